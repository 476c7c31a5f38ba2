// Type expectations, checked by `tsc --noEmit`, not run by Jest.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import { type AuthenticationError, type AxlePlugin, createClient } from '@axle/core';
import {
  type DeviceAuthorization,
  type OAuth2Error,
  type OAuth2ErrorEvent,
  type OAuth2Plugin,
  type OAuth2TokenEvent,
  oauth2,
  type TokenInfo,
} from '@axle/oauth2';
import type { AxiosRequestConfig } from 'axios';
import { expectTypeOf } from 'expect-type';

const auth = oauth2({ flow: 'client_credentials', tokenUrl: 'https://a/token', clientId: 'c', clientSecret: 's' });
expectTypeOf(auth).toMatchTypeOf<AxlePlugin>();
expectTypeOf(auth).toEqualTypeOf<OAuth2Plugin>();
expectTypeOf(auth.tokenInfo()).toEqualTypeOf<TokenInfo | undefined>();
expectTypeOf(auth.authorize()).resolves.toEqualTypeOf<TokenInfo>();
expectTypeOf(auth.deviceAuthorization()).resolves.toEqualTypeOf<DeviceAuthorization>();
expectTypeOf(auth.getAccessToken()).resolves.toEqualTypeOf<string>();
expectTypeOf<OAuth2Error>().toMatchTypeOf<AuthenticationError>();

// The events are typed on the client.
const api = createClient({ baseURL: 'https://api', plugins: [auth] });
api.events.on('oauth2:token', (event) => expectTypeOf(event).toEqualTypeOf<OAuth2TokenEvent>());
api.events.on('oauth2:error', (event) => expectTypeOf(event).toEqualTypeOf<OAuth2ErrorEvent>());

// The signer gets typed claims.
oauth2({
  flow: 'jwt_bearer',
  tokenUrl: 'https://a/token',
  clientId: 'c',
  signAssertion: (claims) => {
    expectTypeOf(claims.aud).toEqualTypeOf<string>();
    expectTypeOf(claims.exp).toEqualTypeOf<number>();
    return 'jwt';
  },
});

// `auth: false` needs a cast until the core widens axios's `auth` type (see README).
void api.get('/public', { auth: false } as unknown as AxiosRequestConfig);

// @ts-expect-error: an unknown flow
oauth2({ flow: 'implicit', tokenUrl: 'https://a/token', clientId: 'c' });
// @ts-expect-error: clientAuth takes the three methods
oauth2({ flow: 'client_credentials', tokenUrl: 'x', clientId: 'c', clientSecret: 's', clientAuth: 'private_key_jwt' });
// @ts-expect-error: clientId is required
oauth2({ flow: 'client_credentials', tokenUrl: 'x' });
// @ts-expect-error: a misspelt option
oauth2({ flow: 'client_credentials', tokenURL: 'x', clientId: 'c' });
