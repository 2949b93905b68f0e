import { inAppRoute, parseRoute, routeHref } from '../../browser/routes';

describe('portal web app routes', () => {
  it('keeps an in-app route through sign-in', () => {
    for (const hash of ['#/', '#/sales-orders/so-123', '#/tickets?page=2&cursor=eyJh-_b%3D', '#/pin?order=a.b~c'])
      expect(inAppRoute(hash)).toBe(hash);
  });

  it('refuses anything that is not an in-app route, so a crafted link cannot send the person elsewhere', () => {
    for (const hash of [
      '',
      'https://evil.example/',
      '//evil.example',
      '#//evil.example',
      '#/\\evil.example',
      'javascript:alert(1)',
      '#javascript:alert(1)',
      '#/tickets/<script>',
      '#/tickets/a b',
      '#/tickets#again',
      `#/${'a'.repeat(600)}`,
    ])
      expect(inAppRoute(hash)).toBeUndefined();
  });

  it('reads segments and query, and writes them back encoded', () => {
    const href = routeHref(['tickets', 'a/b c'], { page: 2, cursor: 'x+y=', skipped: undefined });
    expect(href).toBe('#/tickets/a%2Fb%20c?page=2&cursor=x%2By%3D');
    const route = parseRoute(href);
    expect(route.segments).toEqual(['tickets', 'a/b c']);
    expect(Object.fromEntries(route.query)).toEqual({ page: '2', cursor: 'x+y=' });
    expect(parseRoute('#/').segments).toEqual([]);
  });
});
