// The request of `tap test` and how its outcome reads as the verdicts of tapd's pipeline, in
// the order tapd checks them (service/forward/forwarder.cpp): key (X-TAP-Key), grant (may the
// agent use the credential, has it a value), host (target and allowed hosts), rate, policy,
// upstream. classify() is pure (tests/cli/tst_cli_args.cpp).
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace tap::cli::probe {

struct Answer
{
    int status = 0; // 0: tapd could not be reached
    QByteArray requestId; // X-TAP-Request-Id
    QJsonObject body; // when it is a JSON object (kept for the error shape and the 202)
    QString networkError;
    bool interrupted = false; // by SIGINT or SIGTERM while waiting
};

// POST <baseUrl>/forward with no body, redirects not followed; the key is sent only there.
// SIGINT and SIGTERM abort it (status 0, `interrupted`) instead of ending the process.
Answer forward(const QString &baseUrl, const QByteArray &key, const QString &credential,
               const QString &target, const QByteArray &method);

struct Verdicts
{
    QString outcome; // "forwarded", "refused", "approval_required"
    QString refusedAt; // a step name, or "request" when the code names none
    QString errorCode;
    QString errorMessage;
    QString policyReason; // the audit reason of a forwarded request ("auto", …)
    int upstreamStatus = 0;
    QString approvalId; // txn_id of a parked request
    bool approvalCancelled = false;
};

const QStringList &stepNames();
// From the request's audit record (decision, reason, upstream_status) when there is one, else
// from the answer: a 202 {status: pending, txn_id}, or tapd's error shape and code.
Verdicts classify(const Answer &answer, const QJsonObject &auditRecord);
// The step a refusal code belongs to ("request" when none).
QString stepOf(const QString &code, const QString &message);
// [{step, verdict, detail}] in pipeline order.
QJsonArray steps(const Verdicts &v);
// The closing sentence of the human report, from the JSON report.
QString summary(const QJsonObject &report);

} // namespace tap::cli::probe
