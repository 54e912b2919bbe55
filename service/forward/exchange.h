#pragma once

#include "forward/directory.h"
#include "forward/responsesink.h"
#include "http/bodystream.h"
#include "http/request.h"
#include "upstream/curlclient.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <memory>
#include <optional>

namespace tap::forward {

// The agent's request as it arrived, copied (the http::Request is gone once the handler
// returns). Read once, so that every audit record, also of a request refused early, says what
// was asked for; not changed after, except that a streamed body is taken in whole before the
// request is parked for review.
struct AgentRequest
{
    QString requestId;
    qint64 startedAt = 0;
    http::HeaderList headers;
    QByteArray body;
    std::shared_ptr<http::BodyStream> bodyStream; // a large body, still arriving
    QByteArray method;
    QString target; // X-TAP-Target as sent
    QString teamHeader;
    QString credentialHeader;
    QByteArray contentType;
};

// What TAP makes of the request: who asks, in which team, with which credentials, what the
// policy said, and the upstream request to send.
struct Plan
{
    AgentIdentity agent;
    QString teamId;
    std::optional<QString> linkRole;
    bool placeholderMode = false;
    QList<std::shared_ptr<const Resolved>> credentials;
    QString target; // the normalised target once the destination is resolved
    QString policyUrl; // what auto_approve_urls are matched against (proxy::Target::policyView)
    QString reason;
    // "credential host" per host outside that credential's allowed_hosts: the request waits
    // for a human whatever the policy says (store::ApprovalRow::newHosts).
    QStringList newHosts;
    bool needsApproval = false;
    QString decision = QStringLiteral("auto");
    QString approver;
    QJsonObject auditDetail;
    upstream::Request upstream;
    // Secrets added while building `upstream` (an oauth2 access token): scrubbed too.
    QList<sanitizer::Secret> extraSecrets;

    QString credentialNames() const
    {
        if (credentials.size() == 1)
            return credentials.first()->grant.credential.name;
        QStringList names;
        for (const auto &c : credentials)
            names << c->grant.credential.name;
        return names.join(u',');
    }
};

// One /forward exchange (or one approved request being sent) on its way through the pipeline;
// the answer goes to `sink`. Once planned, a Relay takes over (relay.h).
struct Exchange
{
    AgentRequest request;
    Plan plan;
    QElapsedTimer timer;
    std::shared_ptr<ResponseSink> sink;
};

} // namespace tap::forward
