import type { HttpEvent } from '../../shared/http/http-handler';
import { clientAddressOf } from '../../shared/http/client-address';
import { createOriginVerifier, originVerifyHeader } from '../../shared/http/origin-verify';

const secret = 'the-origin-secret';
const event = (headers: Record<string, string>, sourceIp = '130.176.1.1') =>
  ({ headers, requestContext: { http: { sourceIp } } }) as unknown as HttpEvent;
/** Headers of a request that came through CloudFront: the origin secret and the viewer address. */
const viaCloudFront = (viewer: string) => ({ [originVerifyHeader]: secret, 'cloudfront-viewer-address': viewer });

describe('clientAddressOf', () => {
  const load = jest.fn(async () => [secret]);
  const verifier = createOriginVerifier({ load });

  it('takes the viewer address CloudFront passes, without its port, when the origin secret proves it came that way', async () => {
    expect(await clientAddressOf(event(viaCloudFront('198.51.100.10:46532')), verifier)).toBe('198.51.100.10');
    expect(await clientAddressOf(event(viaCloudFront('2001:db8::1:443')), verifier)).toBe('2001:db8::1');
    expect(await clientAddressOf(event(viaCloudFront('[2001:db8::7]:443')), verifier)).toBe('2001:db8::7');
  });

  it('records the connection address when the viewer address comes without the origin secret, or with a wrong one', async () => {
    const forged = { 'cloudfront-viewer-address': '203.0.113.9:1234' };
    expect(await clientAddressOf(event(forged, '192.0.2.44'), verifier)).toBe('192.0.2.44');
    for (const wrong of ['', 'guess', `${secret} `, secret.toUpperCase(), `${secret}x`])
      expect(await clientAddressOf(event({ ...forged, [originVerifyHeader]: wrong }, '192.0.2.44'), verifier)).toBe(
        '192.0.2.44',
      );
  });

  it('falls back to the connection address without the header or with a malformed one, reading no secret', async () => {
    load.mockClear();
    expect(await clientAddressOf(event({ [originVerifyHeader]: secret }), verifier)).toBe('130.176.1.1');
    for (const bad of ['', 'not-an-ip:80', '300.1.1.1:80', '198.51.100.10', '198.51.100.10:port', '<script>:1'])
      expect(await clientAddressOf(event(viaCloudFront(bad)), verifier)).toBe('130.176.1.1');
    expect(load).not.toHaveBeenCalled();
  });
});
