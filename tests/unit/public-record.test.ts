import { toPublicRecord } from '../../shared/records/public-record';

describe('toPublicRecord', () => {
  const stored = {
    pk: 'con_1',
    sk: 'RECORD',
    gsi1pk: 'contacts',
    gsi1sk: '2025#con_1',
    gsi2pk: 'LINK#org_1',
    gsi2sk: 'contacts#2025#con_1',
    gsi3pk: 'EMAIL#jane@example.com',
    gsi3sk: 'contacts#2025#con_1',
    module: 'contacts',
    linkCount: 4,
    id: 'con_1',
    version: 2,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    createdBy: 'staff-0',
    updatedBy: 'staff-1',
    lastName: 'Doe',
    email: 'jane@example.com',
    portal: { enabled: true, username: 'jane', pinHash: 'scrypt$16384$8$1$salt$hash' },
  };

  it('never exposes keys, index attributes, the link counter, the module or the PIN hash', () => {
    const visible = toPublicRecord(stored);
    for (const hidden of [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'linkCount',
      'module',
    ])
      expect(visible).not.toHaveProperty(hidden);
    expect(JSON.stringify(visible)).not.toContain('pinHash');
    expect(JSON.stringify(visible)).not.toContain('scrypt');
    expect(visible.portal).toEqual({ enabled: true, username: 'jane', hasPin: true });
  });

  it('shows hasPin false without a hash, and id first then fields then bookkeeping', () => {
    const visible = toPublicRecord({ ...stored, portal: { enabled: false } });
    expect(visible.portal).toEqual({ enabled: false, hasPin: false });
    expect(Object.keys(visible)).toEqual([
      'id',
      'email',
      'lastName',
      'portal',
      'version',
      'createdAt',
      'updatedAt',
      'createdBy',
      'updatedBy',
    ]);
  });

  it('adds no portal to a record without one', () => {
    expect(toPublicRecord({ id: 'org_1', version: 1, name: 'Acme', linkCount: 0 })).not.toHaveProperty('portal');
  });
});
