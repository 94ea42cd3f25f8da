/** @internal The parts of an absolute URL: scheme, authority, path, query (without `?`), fragment (with `#`). */
export const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#[^]*)?$/
/** @internal A host name or [IPv6] literal and an optional port: no user info. */
export const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/
