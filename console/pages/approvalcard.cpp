#include "pages/approvalcard.h"

#include "approvals/approvalsmodel.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace tap::console {

namespace {

QLabel *field(QWidget *parent, const char *name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ApprovalCard::ApprovalCard(QWidget *parent)
    : QFrame(parent), m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    setObjectName(QStringLiteral("approvalCard"));
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    m_heading = field(this, "cardHeading");
    m_heading->setStyleSheet(QStringLiteral("font-weight: bold;"));
    layout->addWidget(m_heading);
    // The first use of a host with a credential: said on its own line, not only in the target.
    m_notice = field(this, "newHostNotice");
    m_notice->setStyleSheet(QStringLiteral("color: #8a5a00; font-weight: bold;"));
    layout->addWidget(m_notice);
    auto *form = m_form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_agent = field(this, "cardAgent");
    m_credential = field(this, "cardCredential");
    m_target = field(this, "cardTarget");
    m_target->setTextFormat(Qt::RichText);
    m_reasonText = field(this, "cardWhy");
    m_countdown = field(this, "cardCountdown");
    m_deciders = field(this, "cardDeciders");
    m_outcome = field(this, "cardOutcome");
    form->addRow(tr("Agent:"), m_agent);
    form->addRow(tr("Credential:"), m_credential);
    form->addRow(tr("Request:"), m_target);
    form->addRow(tr("Why it waits:"), m_reasonText);
    form->addRow(tr("Time left:"), m_countdown);
    form->addRow(tr("May decide:"), m_deciders);
    form->addRow(tr("Outcome:"), m_outcome);
    layout->addLayout(form);
    m_body = new QPlainTextEdit(this);
    m_body->setObjectName(QStringLiteral("bodyPreview"));
    m_body->setReadOnly(true);
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setLineWrapMode(QPlainTextEdit::NoWrap); // long lines scroll, nothing reflows
    m_body->setPlaceholderText(tr("(no body)"));
    layout->addWidget(m_body, 1);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("denyReason"));
    m_reason->setMaxLength(500); // tapd's limit
    m_reason->setPlaceholderText(
            tr("Reason for denying (optional, the agent is told) — Enter denies"));
    m_reason->setClearButtonEnabled(true);
    layout->addWidget(m_reason);
    m_error = field(this, "cardError");
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    layout->addWidget(m_error);
    connect(m_reason, &QLineEdit::returnPressed, this, &ApprovalCard::denyRequested);
    // One timer for the countdown, running only while a pending request is shown.
    m_timer = new QTimer(this);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &ApprovalCard::tick);
    setApproval(std::nullopt);
}

void ApprovalCard::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
    tick();
}

QString ApprovalCard::denyReason() const
{
    return m_reason->text().trimmed();
}

void ApprovalCard::clearDenyReason()
{
    m_reason->clear();
}

void ApprovalCard::setError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(m_approval && !text.isEmpty());
}

QString ApprovalCard::errorText() const
{
    return m_error->text();
}

QString ApprovalCard::countdownText(qint64 secondsLeft)
{
    if (secondsLeft <= 0)
        return tr("expired");
    const qint64 h = secondsLeft / 3600;
    const qint64 m = (secondsLeft % 3600) / 60;
    const qint64 s = secondsLeft % 60;
    const QString two = QStringLiteral("%1");
    if (h > 0)
        return tr("%1:%2:%3 left")
                .arg(h)
                .arg(two.arg(m, 2, 10, QLatin1Char('0')), two.arg(s, 2, 10, QLatin1Char('0')));
    return tr("%1:%2 left").arg(m).arg(two.arg(s, 2, 10, QLatin1Char('0')));
}

void ApprovalCard::tick()
{
    if (!m_approval || !m_approval->isPending() || !m_approval->expiresAt.isValid()) {
        m_timer->stop();
        m_countdown->setText(m_approval && m_approval->expiresAt.isValid() ? QLocale().toString(
                                     m_approval->expiresAt, QLocale::ShortFormat)
                                                                           : QString());
        return;
    }
    const qint64 left = m_now().secsTo(m_approval->expiresAt);
    m_countdown->setText(countdownText(left));
    m_countdown->setStyleSheet(left < 300 ? QStringLiteral("color: #b00020; font-weight: bold;")
                                          : QString());
    if (left <= 0)
        m_timer->stop();
    else if (!m_timer->isActive())
        m_timer->start();
}

void ApprovalCard::setApproval(const std::optional<Approval> &approval, const QString &myEmail)
{
    const bool same = approval && m_approval && approval->id == m_approval->id;
    if (!same) {
        m_reason->clear(); // a reason belongs to the request it was typed for
        m_error->clear(); // and so does a failed decision
    }
    m_approval = approval;
    for (QWidget *w : findChildren<QWidget *>(Qt::FindDirectChildrenOnly))
        w->setVisible(approval.has_value());
    m_error->setVisible(approval && !m_error->text().isEmpty());
    if (!approval) {
        m_timer->stop();
        return;
    }
    const Approval &a = *approval;
    m_heading->setText(tr("Request %1 — %2").arg(a.id, ApprovalsModel::statusText(a.status)));
    m_agent->setText(
            a.agentId == a.agentLabel()
                    ? tr("%1 (team %2)").arg(a.agentId, a.agentHomeTeamId)
                    : tr("%1 (%2, team %3)").arg(a.agentLabel(), a.agentId, a.agentHomeTeamId));
    m_credential->setText(a.credential);
    m_target->setText(targetHtml(a));
    m_notice->setText(a.notice);
    m_notice->setVisible(a.hasNewHosts());
    m_reasonText->setText(waitReason(a));
    m_deciders->setText(decidersText(a, myEmail));
    m_form->setRowVisible(m_deciders, a.isPending());
    m_outcome->setText(outcomeText(a));
    m_form->setRowVisible(m_outcome, !a.isPending());
    m_body->setPlainText(a.bodyPreview);
    m_reason->setVisible(a.needsMe());
    tick();
}

// The method and the full target, HTML-escaped; the host in bold colour when it is new for
// the request's credential.
QString ApprovalCard::targetHtml(const Approval &a) const
{
    const QUrl url(a.target);
    const QString host = url.host();
    bool isNew = false;
    for (const QString &entry : a.newHosts)
        isNew = isNew || entry.section(u' ', 1).compare(host, Qt::CaseInsensitive) == 0;
    QString target = a.target.toHtmlEscaped();
    if (isNew && !host.isEmpty()) {
        const qsizetype at = a.target.indexOf(host, 0, Qt::CaseInsensitive);
        if (at >= 0)
            target = a.target.left(at).toHtmlEscaped()
                    + QStringLiteral("<b style=\"color:#b00020\">%1</b>")
                              .arg(a.target.mid(at, host.size()).toHtmlEscaped())
                    + a.target.mid(at + host.size()).toHtmlEscaped();
    }
    return QStringLiteral("<tt><b>%1</b> %2</tt>").arg(a.method.toHtmlEscaped(), target);
}

QString ApprovalCard::waitReason(const Approval &a) const
{
    QStringList out;
    if (a.hasNewHosts())
        out << tr("A human approves the first use of a host with a credential.");
    else
        out << tr("The credential's policy asks a human to approve %1 requests.").arg(a.method);
    if (a.requirePasskey)
        out << tr("This credential needs a passkey: approve in the browser (deny here or there).");
    if (a.isPending() && !a.canDecide)
        out << tr("You are not an allowed approver for this credential.");
    return out.join(u' ');
}

QString ApprovalCard::decidersText(const Approval &a, const QString &myEmail) const
{
    if (a.deciders.isEmpty())
        return tr("any member of the team");
    QStringList names;
    for (const QString &d : a.deciders)
        names << (d.compare(myEmail, Qt::CaseInsensitive) == 0 ? tr("%1 (you)").arg(d) : d);
    return names.join(QStringLiteral(", "));
}

QString ApprovalCard::outcomeText(const Approval &a) const
{
    if (a.isPending())
        return {};
    QString text = ApprovalsModel::statusText(a.status);
    if (!a.decidedBy.isEmpty())
        text = tr("%1 by %2 via %3 at %4")
                       .arg(text, a.decidedBy, a.decidedVia,
                            QLocale().toString(a.decidedAt, QLocale::ShortFormat));
    if (!a.decisionReason.isEmpty())
        text += tr(" — reason: “%1”").arg(a.decisionReason);
    return text;
}

} // namespace tap::console
