import type { HttpEvent } from './http-handler';
import { originVerifyHeader, type OriginVerifier } from './origin-verify';

/**
 * The address a request came from, as recorded in an e-signature. Behind the web app's CloudFront distribution,
 * API Gateway sees CloudFront's address; CloudFront passes the viewer's own in `CloudFront-Viewer-Address`
 * (`ip:port`, IPv6 in brackets or bare), replacing any value the viewer sent. Anyone can send that header straight
 * to the API's execute-api address, so it is taken only from a request that proves it came through CloudFront (the
 * origin secret header, checked by `verifier`); any other request records API Gateway's own `sourceIp`.
 */
export async function clientAddressOf(event: HttpEvent, verifier: OriginVerifier): Promise<string> {
  const source = event.requestContext.http.sourceIp;
  const viewer = event.headers?.['cloudfront-viewer-address']?.trim();
  const address = viewer ? viewerIp(viewer) : undefined;
  if (!address) return source;
  return (await verifier.verify(event.headers?.[originVerifyHeader])) ? address : source;
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
