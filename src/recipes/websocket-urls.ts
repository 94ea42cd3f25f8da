import { MAX_EXPIRES } from '../core/constants.js'
import { fail, PresignError } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import { presignSync } from '../sign/presign-sync.js'
import { presign } from '../sign/presign.js'
import { checkExpiresIn, checkHostName, checkOptions, checkRegion, dnsSuffix, type Recipe, type ServiceTokenOptions, signing, toWss, withoutScheme } from './tokens.js'

/** Inputs of {@link iotWebSocketUrl}. */
export interface IotWebSocketUrlOptions extends ServiceTokenOptions {
  /** Your account's AWS IoT data endpoint (`aws iot describe-endpoint --endpoint-type iot:Data-ATS`), e.g. `abc123-ats.iot.us-east-1.amazonaws.com`. */
  readonly endpoint: string
  /** Lifetime in seconds, an integer in 1..604800. Default 900. It only limits when the connection may be opened. */
  readonly expiresIn?: number | undefined
}

function iotRecipe(input: IotWebSocketUrlOptions): Recipe {
  const o = checkOptions(input)
  const endpoint = checkHostName(o.endpoint, 'options.endpoint', 'abc123-ats.iot.us-east-1.amazonaws.com')
  const region = checkRegion(o.region)
  const expiresIn = checkExpiresIn(o.expiresIn, 900, MAX_EXPIRES, 'at most 7 days')
  return {
    request: { url: `https://${endpoint}/mqtt` },
    // AWS IoT wants the session token out of the signature, appended after signing.
    options: { ...signing(o, region, 'iotdevicegateway', expiresIn), signSessionToken: false },
    finish: (url) => 'wss://' + withoutScheme(url, endpoint),
  }
}

/**
 * An AWS IoT Core MQTT-over-WebSocket URL, `wss://<endpoint>/mqtt?X-Amz-…`,
 * for MQTT clients that connect with AWS credentials (browsers, Cognito
 * identities): e.g. `mqtt.connect(url, { protocolVersion: 4, clientId })`.
 *
 * It is a presigned `GET https://<endpoint>/mqtt` (service `iotdevicegateway`,
 * empty payload) with the scheme swapped to `wss:` (the scheme is not signed;
 * `presign` itself only accepts http(s) URLs). As AWS IoT requires, the
 * session token is not signed: `X-Amz-Security-Token` is appended after
 * signing (`presign`'s `signSessionToken: false`). The endpoint appears as
 * given; the signature covers it lower-cased, as with botocore.
 *
 * @example
 * const url = await iotWebSocketUrl({ endpoint: 'abc123-ats.iot.us-east-1.amazonaws.com', region: 'us-east-1', credentials })
 * @throws {PresignError} `InvalidOption` (endpoint), `InvalidExpiresIn`, `InvalidRegion`, `InvalidCredentials`, `InvalidDate`
 */
export async function iotWebSocketUrl(options: IotWebSocketUrlOptions): Promise<string> {
  const r = iotRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link iotWebSocketUrl} computed synchronously (built-in SHA-256, no Web Crypto). Same URL.
 *
 * @throws {PresignError} as {@link iotWebSocketUrl}
 */
export function iotWebSocketUrlSync(options: IotWebSocketUrlOptions): string {
  const r = iotRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}

/** Inputs of {@link transcribeStreamingUrl}. */
export interface TranscribeStreamingUrlOptions extends ServiceTokenOptions {
  /** `language-code`, e.g. `en-US`. Required unless `params` asks for `identify-language` or `identify-multiple-languages`. */
  readonly languageCode?: string | undefined
  /** `media-encoding`: `pcm` (signed 16-bit little-endian), `ogg-opus` or `flac`. */
  readonly mediaEncoding: 'pcm' | 'ogg-opus' | 'flac'
  /** `sample-rate` in Hz, an integer in 8000..48000 (e.g. 16000). */
  readonly sampleRate: number
  /**
   * Other `StartStreamTranscriptionWebSocket` query parameters, by their URL names, e.g.
   * `{ 'vocabulary-name': 'v1', 'enable-partial-results-stabilization': true, 'partial-results-stability': 'high' }`.
   * Values are encoded for you; they follow the three parameters above in the URL, in this order.
   */
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined
  /** Lifetime in seconds, an integer in 1..300 (Transcribe's maximum). Default 300. */
  readonly expiresIn?: number | undefined
}

const ENCODINGS = ['pcm', 'ogg-opus', 'flac']
const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/
const PARAM_NAME = /^[a-z][a-z0-9-]{0,63}$/

function transcribeRecipe(input: TranscribeStreamingUrlOptions): Recipe {
  const o = checkOptions(input)
  const region = checkRegion(o.region)
  const encoding = o.mediaEncoding
  if (typeof encoding !== 'string' || !ENCODINGS.includes(encoding)) {
    fail('InvalidOption', 'options.mediaEncoding', 'must be "pcm", "ogg-opus" or "flac"', encoding)
  }
  const rate = o.sampleRate
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 8000 || rate > 48000) {
    fail('InvalidOption', 'options.sampleRate', 'must be an integer number of Hz in 8000..48000 (e.g. 16000)', rate)
  }
  const extra = o.params ?? {}
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    fail('InvalidOption', 'options.params', 'must be an object of query parameters', extra)
  }
  let query = ''
  for (const [name, value] of Object.entries(extra as Record<string, unknown>)) {
    const field = `options.params["${name.slice(0, 64)}"]`
    if (!PARAM_NAME.test(name) || ['language-code', 'media-encoding', 'sample-rate'].includes(name) || name.startsWith('x-amz-')) {
      throw new PresignError(
        'InvalidOption',
        field,
        'must be a lower-case Transcribe parameter name such as "vocabulary-name" (language-code, media-encoding and sample-rate have their own options; x-amz-* are the signature\'s)',
      )
    }
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      fail('InvalidOption', field, 'must be a string, a finite number or a boolean', value)
    }
    query += '&' + name + '=' + uriEncode(String(value), false, field)
  }
  const language = o.languageCode
  const identifies = ['identify-language', 'identify-multiple-languages'].some((k) => String((extra as Record<string, unknown>)[k]) === 'true')
  if (language === undefined ? !identifies : typeof language !== 'string' || !LANGUAGE.test(language)) {
    fail('InvalidOption', 'options.languageCode', 'must be a language code such as "en-US" (or set params["identify-language"])', language)
  }
  const expiresIn = checkExpiresIn(o.expiresIn, 300, 300, "Transcribe's maximum")
  const head = (language === undefined ? '' : `language-code=${language}&`) + `media-encoding=${encoding}&sample-rate=${rate}`
  return {
    request: { url: `https://transcribestreaming.${region}.${dnsSuffix(region)}:8443/stream-transcription-websocket?${head}${query}` },
    options: signing(o, region, 'transcribe', expiresIn),
    finish: toWss,
  }
}

/**
 * An Amazon Transcribe streaming WebSocket URL,
 * `wss://transcribestreaming.<region>.amazonaws.com:8443/stream-transcription-websocket?language-code=…&media-encoding=…&sample-rate=…&X-Amz-…`,
 * to open with `new WebSocket(url)` and then send audio as event-stream messages.
 *
 * It is a presigned `GET` of the same `https:` URL (service `transcribe`, the
 * port 8443 in the signed host, empty payload, at most 300 s) with the scheme
 * swapped to `wss:` (the scheme is not signed; `presign` itself only accepts
 * http(s) URLs).
 *
 * @example
 * const url = await transcribeStreamingUrl({ region: 'us-east-1', credentials, languageCode: 'en-US', mediaEncoding: 'pcm', sampleRate: 16000 })
 * @throws {PresignError} `InvalidOption` (languageCode, mediaEncoding, sampleRate, params), `InvalidExpiresIn`, `InvalidRegion`, `InvalidCredentials`, `InvalidDate`
 */
export async function transcribeStreamingUrl(options: TranscribeStreamingUrlOptions): Promise<string> {
  const r = transcribeRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link transcribeStreamingUrl} computed synchronously (built-in SHA-256, no Web Crypto). Same URL.
 *
 * @throws {PresignError} as {@link transcribeStreamingUrl}
 */
export function transcribeStreamingUrlSync(options: TranscribeStreamingUrlOptions): string {
  const r = transcribeRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}
