/** What `@Res({ passthrough: true })` gives on both adapters: Express `res` and Fastify `reply`. */
export interface ResponseHeaders {
  header(name: string, value: string): unknown;
}
