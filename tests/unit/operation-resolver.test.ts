import { operationResolver } from '../../shared/http/routes';
import {
  portalApiRoutes,
  resolvePortalApiRoute,
  resolvePortalClientAddressRoute,
} from '../../shared/portal/portal-routes';
import { portalTicketRoutes, resolvePortalTicketRoute } from '../../shared/tickets/portal-ticket-routes';

/** Each area's handler finds its operation from API Gateway's route key through one resolver. */
describe('operationResolver', () => {
  const resolve = operationResolver([
    { method: 'GET', path: '/things/{id}', operation: 'get' },
    { method: 'PATCH', path: '/things/{id}', operation: 'update' },
  ]);

  it('names the operation of the route a key declares, by method and path', () => {
    expect(resolve('GET /things/{id}')).toBe('get');
    expect(resolve('PATCH /things/{id}')).toBe('update');
  });

  it('answers undefined for a key no route declares: another method, another path, a concrete path', () => {
    expect(resolve('DELETE /things/{id}')).toBeUndefined();
    expect(resolve('GET /things')).toBeUndefined();
    expect(resolve('GET /things/abc')).toBeUndefined();
  });

  it('serves every declared route of an area, and the portal API never resolves a client-address route', () => {
    for (const route of portalTicketRoutes) {
      expect(resolvePortalTicketRoute(`${route.method} ${route.path}`)).toBe(route.operation);
    }
    for (const route of portalApiRoutes) {
      expect(resolvePortalApiRoute(`${route.method} ${route.path}`)).toBe(route.operation);
    }
    expect(resolvePortalApiRoute('POST /portal/sales-orders/{id}/signature')).toBeUndefined();
    expect(resolvePortalClientAddressRoute('POST /portal/sales-orders/{id}/signature')).toBe('signSalesOrder');
  });
});
