#pragma once

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"
#include "sanitizer/scrubber.h"
#include "store/rows.h"
#include "upstream/curlclient.h"

namespace tap::forward {

// The signing credential kinds (README "Signing credentials"): tapd signs the upstream request
// as it is sent, instead of injecting a static value.

// Whether the row's kind is a signing kind (anything but "static").
bool isSigningKind(const store::CredentialRow &row);

// What the response scrubber must know of a credential: its value, and for a signing kind
// every part of the sealed object (each under the credential's name). The object itself is
// left out when its parts cover it: each at least 6 bytes and in it unescaped (its exact
// "key":"value" slot).
QList<sanitizer::Secret> scrubSecrets(const store::CredentialRow &row,
                                      const core::SecretBytes &secret);

// Signs `request` (its final URL, headers and body: nothing may change after) with the
// credential's parts `secret`, adding Authorization (and for aws_sigv4 the X-Amz-* headers).
// `streamed`: the body is still arriving (request.bodySource). Errors: InvalidRequest for a
// request that cannot be signed (a streamed form body under oauth1, a URL or header that
// cannot be encoded), Internal for parts that do not open. Messages never hold a secret.
core::Result<void> signRequest(const store::CredentialRow &row, const core::SecretBytes &secret,
                               upstream::Request &request, bool streamed, const core::Clock &clock,
                               core::Random &random);

} // namespace tap::forward
