#pragma once

#include "approvals/approval.h"

#include <QDateTime>
#include <QFrame>

#include <functional>
#include <optional>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTimer;

namespace tap::console {

// Everything an approver needs to decide one request, in one place (issue #18): who asks, with
// which credential, the method and full target (the host highlighted when it is new for the
// credential), the sanitized body preview, why it waits, the time left (updated every second),
// who may decide, and the deny reason field. Shows the outcome of a decided request.
class ApprovalCard : public QFrame
{
    Q_OBJECT
public:
    explicit ApprovalCard(QWidget *parent = nullptr);

    void setApproval(const std::optional<Approval> &approval, const QString &myEmail = {});
    // The reason typed for a denial (trimmed; empty: none).
    QString denyReason() const;
    void clearDenyReason();
    // Why deciding the shown request failed (a translated sentence; empty hides it). Showing
    // another request clears it.
    void setError(const QString &text);
    QString errorText() const;
    QLineEdit *denyReasonEdit() const { return m_reason; }
    // "4:59 left", "1:02:03 left", "expired" for a request expiring after `secondsLeft`.
    static QString countdownText(qint64 secondsLeft);
    // The clock (tests set a fixed one).
    void setClock(std::function<QDateTime()> now);
    void tick();

signals:
    // Enter in the reason field.
    void denyRequested();

private:
    QString targetHtml(const Approval &a) const;
    QString decidersText(const Approval &a, const QString &myEmail) const;
    QString waitReason(const Approval &a) const;
    QString outcomeText(const Approval &a) const;

    std::optional<Approval> m_approval;
    std::function<QDateTime()> m_now;
    QFormLayout *m_form;
    QLabel *m_heading;
    QLabel *m_agent;
    QLabel *m_credential;
    QLabel *m_target;
    QLabel *m_notice;
    QLabel *m_reasonText;
    QLabel *m_countdown;
    QLabel *m_deciders;
    QLabel *m_outcome;
    QLabel *m_error;
    QPlainTextEdit *m_body;
    QLineEdit *m_reason;
    QTimer *m_timer;
};

} // namespace tap::console
