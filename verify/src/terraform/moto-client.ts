// AWS SDK client options for moto: its endpoint and the test credentials it accepts.

export function motoClientOptions(endpoint: string, region: string) {
  return { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}
