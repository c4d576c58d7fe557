import { EXPORT_AGENCY, offlineOpenApi } from './openapi-export';

describe('the OpenAPI document built offline', () => {
  it('describes every operation without a broker, a database or keys (Nest preview mode)', async () => {
    const doc = await offlineOpenApi();
    expect(doc.info.title).toBe(`Liaison node ${EXPORT_AGENCY}`);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/notices', '/inbox/{id}/answer', '/inbox/{id}/pass-on', '/audit/checkpoint', '/audit/bundle']));
    expect(doc.paths['/notices'].post?.requestBody).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ComposeRequest' } } } });
  });
});
