#pragma once

#include "forward/directory.h"
#include "http/bodystream.h"
#include "http/request.h"
#include "http/responder.h"
#include "sanitizer/scrubber.h"
#include "store/auditstore.h"
#include "upstream/curlclient.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <functional>

#include <memory>
#include <optional>

namespace tap::forward {

// One /forward request on its way through the pipeline (shared by the pipeline's parts).
struct Exchange
{
    QString requestId;
    QElapsedTimer timer;
    http::Responder responder;
    qint64 startedAt = 0;

    // The agent's request, copied: the http::Request is gone once the handler returns.
    http::HeaderList headers;
    QByteArray body;
    std::shared_ptr<http::BodyStream> bodyStream; // a large body, still arriving
    QByteArray method;
    QString target; // X-TAP-Target; normalised once the destination is resolved
    QString policyUrl; // what auto_approve_urls are matched against (proxy::Target::policyView)
    QString teamHeader;
    QString credentialHeader;
    QByteArray contentType;

    AgentIdentity agent;
    QString teamId;
    std::optional<QString> linkRole;
    bool placeholderMode = false;
    QList<std::shared_ptr<const Resolved>> credentials;
    QString reason;
    bool needsApproval = false;
    // An approved request sent on the approver's behalf: no agent is waiting on a connection,
    // so the (sanitized) answer goes to `deliver` instead of the responder; never streamed.
    std::function<void(const http::Response &, bool forwarded)> deliver;
    QString decision = QStringLiteral("auto");
    QString approver;
    QJsonObject auditDetail;

    upstream::Request upstream;
    upstream::CurlClient::TransferPtr transfer;
    std::unique_ptr<sanitizer::Scrubber> scrubber;
    int status = 0;
    http::HeaderList responseHeaders;
    QByteArray buffered;
    bool streaming = false;
    qint64 upstreamStartNs = 0;
    int upstreamLatencyMs = -1;
    store::AuditRecord streamAudit;

    QString credentialNames() const
    {
        QStringList names;
        for (const auto &c : credentials)
            names << c->grant.credential.name;
        return names.join(u',');
    }
};

} // namespace tap::forward
