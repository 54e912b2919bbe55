#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <QUrl>

namespace tap::proxy {

// A /forward target in the one spelling that tapd both decides on and sends, so that the
// policy, the allowed-hosts check, the audit record and the upstream all see the same URL.
struct Target
{
    // The normalised absolute URL exactly as it goes on the wire: scheme://host[:port]/path[?query].
    QByteArray wire;
    // QUrl::fromEncoded(wire); its toEncoded() is `wire` again, byte for byte.
    QUrl url;
    // What a policy's auto_approve_urls are matched against: scheme://host[:port]/path, never
    // the query. Empty when the path carries parameters (';', also encoded): servers disagree
    // on what such a path names, so no URL entry may waive approval for it.
    QString policyView;
};

// Normalises an absolute http(s) target (RFC 3986 §6.2.2): scheme and host in lower case, a
// default port dropped, the fragment dropped (RFC 9110 §4.2.4: never sent), percent-encodings
// of unreserved characters decoded and all others written with upper-case hex digits, bytes
// outside the URL syntax (non-ASCII included) percent-encoded, dot segments removed
// (§5.2.4), an empty path written "/", an empty query dropped.
// Refused (InvalidRequest): a scheme other than http(s), no host, user information, a port of
// 0 or above 65535, spaces, control characters, backslashes, a malformed percent-encoding,
// and a path with a segment that becomes "." or ".." only for a server that decodes more than
// once, splits at an encoded '/' or '\', or drops path parameters ("%252e%252e", "a%2F..%2Fb",
// "..;x") — such a path names one resource here and another there.
[[nodiscard]] core::Result<Target> normalizeTarget(QStringView text);

// Where a /forward request goes and what it is about (connector direct or sidecar, README
// "The sidecar protocol"), decided once by resolveDestination().
struct Destination
{
    QUrl connectTo; // what tapd's upstream client requests
    Target target; // the resource the request is about: policy, allowed hosts, X-OAuth-Target
    QString headerForm; // X-TAP-Target normalised (a URL, or a path with relative_target)
    bool agentChosen = false; // direct: the agent picked the address (the address guard applies)
};

// `connector` is exactly "direct" or "sidecar":
//   direct:  targetHeader is an absolute http(s) URL (normalizeTarget); tapd requests it;
//   sidecar: tapd requests api_base; targetHeader is the absolute real target, normalised,
//            which the sidecar gets as X-OAuth-Target;
//   sidecar with relativeTarget: targetHeader is a path ("/sendMessage?x=1") appended to
//            api_base's path (one slash between them); no scheme or authority, no fragment, no
//            backslash, and no dot segment in any spelling ("..", "%2e%2E", "%252e", "..;",
//            ".") — refused, never resolved, so it cannot leave api_base; the query is kept.
// Errors: InvalidRequest for a bad targetHeader; Internal when the credential's own
// configuration is unusable (unknown connector, bad api_base, relativeTarget without sidecar).
[[nodiscard]] core::Result<Destination> resolveDestination(QStringView connector,
                                                           const QString &apiBase,
                                                           bool relativeTarget,
                                                           const QString &targetHeader);

// resolveDestination(...).connectTo, for callers that need only the URL tapd requests.
[[nodiscard]] core::Result<QUrl> effectiveTarget(QStringView connector, const QString &apiBase,
                                                 bool relativeTarget, const QString &targetHeader);

} // namespace tap::proxy
