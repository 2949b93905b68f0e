import type { HttpEvent } from './http-handler';

/**
 * The address a request came from. Behind the web app's CloudFront distribution, API Gateway sees
 * CloudFront's address; CloudFront passes the viewer's own in `CloudFront-Viewer-Address` (`ip:port`, IPv6
 * in brackets or bare), replacing any value the viewer sent. A caller going straight to the API could send
 * that header itself, but only about its own request, so it is taken when well formed.
 */
export function clientAddressOf(event: HttpEvent): string {
  const viewer = event.headers?.['cloudfront-viewer-address']?.trim();
  const address = viewer ? viewerIp(viewer) : undefined;
  return address ?? event.requestContext.http.sourceIp;
}

const ipv4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
const ipv6 = /^[0-9a-f:.]+$/i;

function viewerIp(value: string): string | undefined {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(value);
  if (bracketed) return ipv6.test(bracketed[1]!) && bracketed[1]!.includes(':') ? bracketed[1] : undefined;
  const lastColon = value.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  const host = value.slice(0, lastColon);
  if (!/^\d+$/.test(value.slice(lastColon + 1))) return undefined;
  if (ipv4.test(host) && host.split('.').every((part) => Number(part) <= 255)) return host;
  // CloudFront writes IPv6 viewers as `2001:db8::1:443`: everything before the last colon is the address.
  return host.includes(':') && ipv6.test(host) ? host : undefined;
}
