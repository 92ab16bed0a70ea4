/**
 * Where an S3 kit's endpoints, regions and credentials come from: explicit options first, then the seed's
 * `S3_ENDPOINT`/`S3_ACCESS_KEY`/`S3_SECRET_KEY`, then the AWS names. Credentials are taken as a pair from one
 * source (never an access key from one place and a secret from another) and are never invented: a missing
 * pair is an AuthenticationError at creation.
 */
import {
  AuthenticationError,
  type ClientOptions,
  type EndpointConfig,
  InvalidRequestError,
  readEnv,
} from '@ipfs-accelerate/core';

/** How buckets are addressed: in the path, in the host name, or virtual-hosted on AWS and path elsewhere. */
export type S3Addressing = 'auto' | 'path' | 'virtual-hosted';

/** Credentials of an endpoint. */
export interface S3Credentials {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Temporary (STS) credentials' session token, sent as `x-amz-security-token`. */
  sessionToken?: string;
}

/** One S3 endpoint among several (multiplexed by `strategy`), with its own credentials and limits. */
export interface S3EndpointOptions
  extends Omit<EndpointConfig, 'baseURL' | 'apiKey' | 'secrets'>,
    S3Credentials {
  /** The service URL, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Same as `endpoint`. */
  baseURL?: string;
  /** This endpoint's signing region. @default the kit's region */
  region?: string;
}

/** What resolution produced: core endpoint configs (credentials as secrets) and each endpoint's region. */
export interface ResolvedS3Config {
  endpoints: EndpointConfig[];
  regions: Map<string, string>;
  region: string;
}

/** The options resolution reads. */
export interface S3ConfigInput extends S3Credentials, Pick<ClientOptions, 'baseURL'> {
  endpoint?: string;
  region?: string;
  endpoints?: S3EndpointOptions[];
}

const AMAZON_REGIONAL =
  /^(?:[\w.-]+\.)?s3[.-](?:dualstack\.)?([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com(?:\.cn)?$/;

/** The region named in an AWS S3 host (`s3.eu-west-1.amazonaws.com`, `s3-us-west-2.amazonaws.com`). */
export function regionFromHost(url: string): string | undefined {
  try {
    return AMAZON_REGIONAL.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/** The AWS endpoint of a region (the legacy global one for us-east-1, as the seed's default). */
export function defaultS3Endpoint(region: string): string {
  return region === 'us-east-1' ? 'https://s3.amazonaws.com' : `https://s3.${region}.amazonaws.com`;
}

function validRegion(region: string, where: string): string {
  if (!/^[a-z0-9-]+$/i.test(region)) {
    throw new InvalidRequestError(
      `s3: ${where} must be a region name such as us-east-1, got ${JSON.stringify(region)}`,
    );
  }
  return region;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError(`s3: ${name} must be a string`);
  return value === '' ? undefined : value;
}

/** The default credentials: options, else `S3_ACCESS_KEY`/`S3_SECRET_KEY`, else the AWS variables. */
function defaultCredentials(input: S3Credentials): S3Credentials & { source: string } {
  const accessKeyId = optionalString(input.accessKeyId, 'accessKeyId');
  const secretAccessKey = optionalString(input.secretAccessKey, 'secretAccessKey');
  const sessionToken = optionalString(input.sessionToken, 'sessionToken');
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    return { accessKeyId, secretAccessKey, sessionToken, source: 'options' };
  }
  const seedKey = readEnv('S3_ACCESS_KEY');
  const seedSecret = readEnv('S3_SECRET_KEY');
  if (seedKey !== undefined || seedSecret !== undefined) {
    return {
      accessKeyId: seedKey,
      secretAccessKey: seedSecret,
      sessionToken,
      source: 'S3_ACCESS_KEY/S3_SECRET_KEY',
    };
  }
  return {
    accessKeyId: readEnv('AWS_ACCESS_KEY_ID'),
    secretAccessKey: readEnv('AWS_SECRET_ACCESS_KEY'),
    sessionToken: sessionToken ?? readEnv('AWS_SESSION_TOKEN'),
    source: 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
  };
}

function requirePair(
  credentials: S3Credentials,
  where: string,
): { accessKeyId: string; secretAccessKey: string } {
  const { accessKeyId, secretAccessKey } = credentials;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? 'an access key id' : 'a secret access key';
    throw new AuthenticationError(
      `s3: ${where} has no ${missing}; pass accessKeyId and secretAccessKey, or set S3_ACCESS_KEY and S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      { provider: 's3-kit' },
    );
  }
  return { accessKeyId, secretAccessKey };
}

/** Resolves the endpoints (each with its credentials as secrets) and regions of a kit. */
export function resolveS3Config(input: S3ConfigInput): ResolvedS3Config {
  const explicitEndpoint = optionalString(input.endpoint ?? input.baseURL, 'endpoint');
  const envEndpoint = readEnv('S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL');
  const hostRegion = regionFromHost(explicitEndpoint ?? envEndpoint ?? '');
  const region = validRegion(
    optionalString(input.region, 'region') ??
      readEnv('AWS_REGION', 'AWS_DEFAULT_REGION') ??
      hostRegion ??
      'us-east-1',
    'region',
  );
  const endpoint = explicitEndpoint ?? envEndpoint ?? defaultS3Endpoint(region);
  const defaults = defaultCredentials(input);
  const list: S3EndpointOptions[] = input.endpoints && input.endpoints.length > 0 ? input.endpoints : [{}];
  const regions = new Map<string, string>();
  const endpoints = list.map((options, index): EndpointConfig => {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidRequestError('s3: every entry of endpoints must be an object');
    }
    const {
      endpoint: own,
      baseURL: ownBase,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      region: ownRegion,
      ...rest
    } = options;
    const id = rest.id ?? `endpoint_${index}`;
    const explicit =
      optionalString(accessKeyId, 'accessKeyId') !== undefined ||
      optionalString(secretAccessKey, 'secretAccessKey') !== undefined;
    const credentials = explicit
      ? {
          accessKeyId: optionalString(accessKeyId, 'accessKeyId'),
          secretAccessKey: optionalString(secretAccessKey, 'secretAccessKey'),
          sessionToken: optionalString(sessionToken, 'sessionToken'),
        }
      : defaults;
    const pair = requirePair(credentials, list.length > 1 ? `endpoint ${id}` : 'the client');
    const ownURL = optionalString(own ?? ownBase, 'endpoint');
    const baseURL = ownURL ?? endpoint;
    const laneRegion =
      optionalString(ownRegion, 'region') ?? (ownURL ? regionFromHost(ownURL) : undefined) ?? region;
    regions.set(id, validRegion(laneRegion, `endpoint ${id} region`));
    return {
      ...rest,
      id,
      baseURL,
      apiKey: pair.accessKeyId,
      secrets: { secretAccessKey: pair.secretAccessKey, sessionToken: credentials.sessionToken },
    };
  });
  return { endpoints, regions, region };
}
