// banner.js — the Batches banner (filled in next): mountBanner(host, ctx) -> {refresh(), stop()}.
export function mountBanner(host) {
  void host;
  return { refresh() {}, stop() {} };
}
