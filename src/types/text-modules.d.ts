/** Configuration files bundled as text (wrangler.toml `[[rules]]`). */
declare module "*.toml" {
  const text: string;
  export default text;
}
