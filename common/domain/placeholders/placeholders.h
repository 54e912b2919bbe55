#pragma once

#include "core/result.h"
#include "core/secretbytes.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QStringList>

#include <functional>

namespace tap::placeholders {

// Legacy placeholder mode (README "The data plane"): the agent writes
// `<CREDENTIAL:name>` where the secret must go, and TAP substitutes it after approval.
//
// Syntax: "<CREDENTIAL:" NAME ">" with NAME = [A-Za-z0-9][A-Za-z0-9._-]{0,63}. Anything that
// starts like a placeholder ("<credential:" in any case) but is not exactly that is malformed
// and refused wherever it appears, so a typo never reaches the target as literal text.
//
// Allowed positions (authentication-related ones only):
//   - anywhere inside the value of an Authorization or X-Api-Key header (names case-insensitive);
//   - inside the body when bodyFieldsFor(name) is non-empty and the content type is
//       application/json: inside a string that is the value of an object member whose key is
//         listed, at any depth (objects inside arrays too; a string directly in an array or at
//         the top level is not a member value and is refused);
//       application/x-www-form-urlencoded: inside the (decoded) value of a listed field.
// Everything else — other headers, header names, the target URL (also percent-decoded), JSON
// keys, other content types, JSON that does not parse — is refused with PlaceholderNotAllowed
// and a message naming the position ("header X-Foo", "target URL", "body field text").
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct Input
{
    HeaderList headers;
    QByteArray body;
    QByteArray contentType; // the Content-Type header value, parameters allowed
    QByteArray target; // the target URL as the agent sent it
};

// Names of the credentials referenced, in first-appearance order (headers in order, then the
// body), or Error(ErrorCode::PlaceholderNotAllowed) naming where a placeholder is not allowed.
// An input without placeholders gives an empty list.
core::Result<QStringList>
validate(const Input &in,
         const std::function<QStringList(const QString &credential)> &bodyFieldsFor);

struct Substituted
{
    HeaderList headers;
    QByteArray body;
};

// Replaces each placeholder with its value in the allowed positions (headers and body); returns
// the new headers/body. Other bytes are kept as they are; in JSON the value is inserted
// JSON-escaped, in a form body percent-encoded (RFC 3986 unreserved kept, space as '+').
// Precondition: validate() accepted `in`. substitute() re-checks the positions but not the
// body field names (it has no bodyFieldsFor). Errors: PlaceholderNotAllowed as in validate();
// CredentialNotAllowed when valueFor() returns nullptr; InvalidRequest when a value cannot be
// placed safely (CR, LF or NUL in a header; not UTF-8 in JSON). Messages never contain values.
core::Result<Substituted>
substitute(const Input &in,
           const std::function<const core::SecretBytes *(const QString &credential)> &valueFor);

} // namespace tap::placeholders
