#pragma once

#include "core/result.h"
#include "sanitizer/scrubber.h"
#include "store/rows.h"
#include "upstream/curlclient.h"

#include <functional>

namespace tap::forward {

class OAuth2Refresher;

// README "OAuth 2.0 credentials": a 401 from the upstream triggers at most one refresh and
// retry. Pure: the upstream answered `upstreamStatus` to a request signed with an oauth2
// credential (`oauth2`); `bodyStreamed`: its body went on as it arrived (it cannot be sent
// twice); `retried`: this is already the second attempt.
bool shouldRetryOAuth2(int upstreamStatus, bool oauth2, bool bodyStreamed, bool retried);

// What the relay sends instead of the refused request: the same request with a new token,
// and a scrubber that also knows the new token.
struct Resend
{
    upstream::Request request;
    sanitizer::Scrubber scrubber;
};
// Called on the relay's thread at most once; may block on the refresh (as the first
// authorize() did). An error (e.g. <name>_reauth_required) is answered instead.
using Resender = std::function<core::Result<Resend>()>;

// The resend of a request `sent` with oauth2 credential `row` and access token `rejected`: a
// fresh token unless another request already replaced it (OAuth2Refresher::accessToken), the
// Authorization header set anew, `secrets` (every secret of the first attempt) plus the new
// tokens for the scrubber. Called only once a 401 came (the forwarder's Resender prepares
// nothing per request).
core::Result<Resend> oauth2Resend(OAuth2Refresher &refresher, const store::CredentialRow &row,
                                  const upstream::Request &sent, QList<sanitizer::Secret> secrets,
                                  const QByteArray &rejected);

} // namespace tap::forward
