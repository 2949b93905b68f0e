import type { HttpEvent } from '../../shared/http/http-handler';
import { clientAddressOf } from '../../shared/http/client-address';

const event = (headers: Record<string, string>, sourceIp = '130.176.1.1') =>
  ({ headers, requestContext: { http: { sourceIp } } }) as unknown as HttpEvent;

describe('clientAddressOf', () => {
  it('takes the viewer address CloudFront passes, without its port', () => {
    expect(clientAddressOf(event({ 'cloudfront-viewer-address': '198.51.100.10:46532' }))).toBe('198.51.100.10');
    expect(clientAddressOf(event({ 'cloudfront-viewer-address': '2001:db8::1:443' }))).toBe('2001:db8::1');
    expect(clientAddressOf(event({ 'cloudfront-viewer-address': '[2001:db8::7]:443' }))).toBe('2001:db8::7');
  });

  it('falls back to the connection address without the header or with a malformed one', () => {
    expect(clientAddressOf(event({}))).toBe('130.176.1.1');
    for (const bad of ['', 'not-an-ip:80', '300.1.1.1:80', '198.51.100.10', '198.51.100.10:port', '<script>:1'])
      expect(clientAddressOf(event({ 'cloudfront-viewer-address': bad }))).toBe('130.176.1.1');
  });
});
