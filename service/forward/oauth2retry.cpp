#include "forward/oauth2retry.h"

#include "forward/oauth2refresher.h"

namespace tap::forward {

bool shouldRetryOAuth2(int upstreamStatus, bool oauth2, bool bodyStreamed, bool retried)
{
    return upstreamStatus == 401 && oauth2 && !bodyStreamed && !retried;
}

Resender oauth2Resender(OAuth2Refresher &refresher, store::CredentialRow row,
                        upstream::Request sent, QList<sanitizer::Secret> secrets,
                        core::SecretBytes rejected)
{
    return [&refresher, row = std::move(row), sent = std::move(sent), secrets = std::move(secrets),
            rejected = std::move(rejected)]() -> core::Result<Resend> {
        upstream::Request request = sent;
        request.headers.removeIf([](const auto &h) {
            return h.first.compare("authorization", Qt::CaseInsensitive) == 0;
        });
        QList<sanitizer::Secret> scrub = secrets;
        if (auto r = refresher.authorize(row, request, scrub, rejected.view().toByteArray()); !r)
            return r.error();
        return Resend{ std::move(request), sanitizer::Scrubber(scrub) };
    };
}

} // namespace tap::forward
