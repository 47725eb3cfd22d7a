import type { Html } from './html.js'

// What a provider gives the dashboard (/__admin/ui): its counts for the overview and its own pages, rendered from
// the same state functions its API uses. The dashboard shell adds the layout, navigation, login and live refresh.

export interface DashboardRequest {
  /** path parameters of the page's pattern (`/transfers/:id` → `{ id }`) */
  params: Record<string, string>
  /** query string values (filters, `cursor`/`page`, `limit`); repeated keys keep the first */
  query: Record<string, string>
  /** the sandbox clock, epoch ms: relative times ("3 s ago") are measured from it */
  now: number
  /** the dashboard's base path, `/__admin/ui`: links are built from it */
  base: string
}

export interface DashboardPage {
  /** under `/__admin/ui/<provider>`, express-style: `/transfers`, `/transfers/:id` */
  path: string
  /** label in the navigation; a page without one (a detail page) is reached by links only */
  nav?: string
  /** the page's heading and <title> */
  title: string | ((req: DashboardRequest) => string)
  /** the page body, or null when what it names does not exist (the shell answers 404 in its layout) */
  render(req: DashboardRequest): Html | null
}

export interface DashboardSection {
  /** how many of each resource the provider holds, for the overview: `{ organizations: 3, transfers: 120 }` */
  counts(): Record<string, number>
  pages: DashboardPage[]
  /**
   * The page of a resource by id (a transfer, an event's resource, a delivery's resource_id), for links from
   * deliveries and requests; undefined when the id is not one of this provider's resources.
   */
  resourcePath?(id: string): string | undefined
}
