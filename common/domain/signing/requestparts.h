#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace tap::signing {

// One name/value pair, percent-decoded.
struct Param
{
    QByteArray name;
    QByteArray value;
    friend bool operator==(const Param &, const Param &) = default;
};

// The parts of an absolute http(s) URL that request signatures cover, split without any
// normalisation of their own (tapd signs the URL it sends, which the target normaliser has
// already written in one spelling).
struct UrlParts
{
    QByteArray scheme; // lower case
    QByteArray host; // lower case; an IPv6 literal keeps its brackets
    int port = -1; // -1 when the URL names none
    QByteArray path; // as sent (percent-encoded), "/" when empty
    QByteArray query; // as sent, without '?'; empty when none
};

// Errors (InvalidRequest): not http(s), no host, user information, a fragment, a bad port.
[[nodiscard]] core::Result<UrlParts> splitUrl(QByteArrayView url);

// Percent-encodes every byte except the unreserved set of RFC 3986 (ALPHA / DIGIT / "-" / "." /
// "_" / "~"), with upper-case hex digits. This is both RFC 5849 §3.6 and AWS's UriEncode.
QByteArray encodeUnreserved(QByteArrayView raw);

// Strict percent-decoding: a '%' not followed by two hex digits is an error (InvalidRequest).
// With plusIsSpace ('+' in an application/x-www-form-urlencoded string) '+' decodes to ' '.
[[nodiscard]] core::Result<QByteArray> percentDecode(QByteArrayView text, bool plusIsSpace);

// "a=1&b&c=" → (a,1) (b,"") (c,""), each side percent-decoded; empty pieces are skipped.
[[nodiscard]] core::Result<QList<Param>> decodePairs(QByteArrayView text, bool plusIsSpace);

// Each name and value encoded (encodeUnreserved), sorted by name then value, joined as
// "n=v&n=v": RFC 5849 §3.4.1.3.2's normalised parameters and SigV4's canonical query string.
QByteArray encodeSortJoin(const QList<Param> &params);

} // namespace tap::signing
