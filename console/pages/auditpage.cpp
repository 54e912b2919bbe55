#include "pages/auditpage.h"

#include "api/audit.h"
#include "api/keys.h"
#include "app/errortext.h"

#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QGridLayout>
#include <QHash>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace tap::console {

namespace {

QString text(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? QString::number(v.toInt()) : v.toString();
}

} // namespace

QString AuditPage::reasonText(const QString &reason)
{
    // The codes tapd records (policy evaluation, forwarding, approvals).
    static const QHash<QString, const char *> sentences = {
        { QStringLiteral("auto"), QT_TR_NOOP("Allowed by the policy.") },
        { QStringLiteral("auto_approve_url"), QT_TR_NOOP("The URL is auto-approved.") },
        { QStringLiteral("auto_approve_method"), QT_TR_NOOP("The method is auto-approved.") },
        { QStringLiteral("require_approval_method"), QT_TR_NOOP("The method needs approval.") },
        { QStringLiteral("not_auto_approved"), QT_TR_NOOP("Not auto-approved by the policy.") },
        { QStringLiteral("no_policy"), QT_TR_NOOP("No policy: every request needs approval.") },
        { QStringLiteral("require_passkey"), QT_TR_NOOP("The policy asks for a passkey.") },
        { QStringLiteral("new_host"), QT_TR_NOOP("A host new for this credential.") },
        { QStringLiteral("credential_not_allowed"),
          QT_TR_NOOP("The agent may not use this credential.") },
        { QStringLiteral("approved"), QT_TR_NOOP("Approved by a member.") },
        { QStringLiteral("upstream_failed_mid_stream"),
          QT_TR_NOOP("The upstream broke off the answer.") },
        { QStringLiteral("agent_deleted"), QT_TR_NOOP("The agent was deleted.") },
        { QStringLiteral("agent_disabled"), QT_TR_NOOP("The agent was disabled.") },
    };
    const auto it = sentences.constFind(reason);
    return it == sentences.cend() ? reason : tr(it.value());
}

AuditPage::AuditPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("auditPage"));
    addButton(tr("&Search"), QStringLiteral("searchButton"), QStringLiteral("refresh"), Always,
              [this] { load(false); });
    m_more = addButton(tr("Load &more"), QStringLiteral("moreButton"), QStringLiteral("add"),
                       Always, [this] { load(true); });
    m_more->hide();
    addButton(tr("E&xport…"), QStringLiteral("exportButton"), QStringLiteral("audit"), Always,
              [this] { exportTrail(); });

    auto *grid = new QGridLayout;
    const auto line = [this](const QString &name, const QString &placeholder) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::returnPressed, this, [this] { load(false); });
        return edit;
    };
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kindFilter"));
    m_kind->addItem(tr("All kinds"), QString());
    m_kind->addItem(tr("Admin changes"), QStringLiteral("admin"));
    m_kind->addItem(tr("Agent requests"), QStringLiteral("forward"));
    m_decision = new QComboBox(this);
    m_decision->setObjectName(QStringLiteral("decisionFilter"));
    m_decision->addItem(tr("All decisions"), QString());
    for (const char *d : { "auto", "approved", "denied", "expired", "rejected" })
        m_decision->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    m_action = line(QStringLiteral("actionFilter"), tr("action, e.g. credential.create"));
    m_actor = line(QStringLiteral("actorFilter"), tr("member email"));
    m_agent = line(QStringLiteral("agentFilter"), tr("agent ID"));
    m_credential = line(QStringLiteral("credentialFilter"), tr("credential"));
    m_since = line(QStringLiteral("sinceFilter"), tr("since, e.g. 2026-04-03T12:00:00Z"));
    m_until = line(QStringLiteral("untilFilter"), tr("until (RFC 3339)"));
    grid->addWidget(m_kind, 0, 0);
    grid->addWidget(m_decision, 0, 1);
    grid->addWidget(m_action, 0, 2);
    grid->addWidget(m_actor, 0, 3);
    grid->addWidget(m_agent, 1, 0);
    grid->addWidget(m_credential, 1, 1);
    grid->addWidget(m_since, 1, 2);
    grid->addWidget(m_until, 1, 3);
    body()->insertLayout(1, grid);
    const auto field = [](const char *name) {
        return [name](const QJsonObject &a) { return text(a, name); };
    };
    setupTable(QStringLiteral("auditTable"),
               { Column::time(tr("Time"), field("ts")), Column::of(tr("Kind"), field("kind")),
                 Column::of(tr("Who"),
                            [](const QJsonObject &a) {
                                return text(a, "actor").isEmpty() ? text(a, "agent_id")
                                                                  : text(a, "actor");
                            }),
                 Column::of(tr("Action / request"),
                            [](const QJsonObject &a) {
                                const QString what = text(a, "action").isEmpty()
                                        ? text(a, "method") + u' ' + text(a, "target")
                                        : text(a, "action") + u' ' + text(a, "target");
                                return what.trimmed();
                            }),
                 Column::of(tr("Credential"), field("credential")),
                 Column::of(tr("Decision"), field("decision")),
                 Column::number(tr("Status"), QStringLiteral("status")),
                 Column::of(tr("Reason"),
                            [](const QJsonObject &a) { return reasonText(text(a, "reason")); }) });
}

void AuditPage::clear()
{
    Page::clear();
    m_rows.clear();
    m_cursor.clear();
    m_more->hide();
}

void AuditPage::refresh()
{
    load(false);
}

QString AuditPage::validate() const
{
    for (QLineEdit *edit : { m_since, m_until }) {
        const QString t = edit->text().trimmed();
        if (!t.isEmpty() && !QDateTime::fromString(t, Qt::ISODateWithMs).isValid())
            return tr("\"%1\" is not an RFC 3339 time such as 2026-04-03T12:00:00Z.").arg(t);
    }
    return {};
}

QUrlQuery AuditPage::filters() const
{
    QUrlQuery q;
    const auto add = [&q](QLatin1String key, const QString &value) {
        if (!value.trimmed().isEmpty())
            q.addQueryItem(key, value.trimmed());
    };
    add(api::key::kKind, m_kind->currentData().toString());
    add(api::key::kDecision, m_decision->currentData().toString());
    add(api::key::kAction, m_action->text());
    add(api::key::kActor, m_actor->text());
    add(api::key::kAgentId, m_agent->text());
    add(api::key::kCredential, m_credential->text());
    add(api::key::kSince, m_since->text());
    add(api::key::kUntil, m_until->text());
    return q;
}

void AuditPage::load(bool more)
{
    if (const QString problem = validate(); !problem.isEmpty())
        return showError(problem);
    apiclient::ApiClient::Options options;
    options.query = filters();
    if (more && !m_cursor.isEmpty())
        options.query.addQueryItem(api::key::kCursor, m_cursor);
    api()->get(
            QStringLiteral("/admin/audit"), this,
            [this, more](const Reply &r) {
                if (!r.ok())
                    return showError(ErrorText::of(r));
                showError({});
                if (!more)
                    m_rows.clear();
                const api::AuditPage page = api::AuditPage::decode(r.body);
                m_rows += page.items;
                m_cursor = page.nextCursor;
                m_more->setVisible(!m_cursor.isEmpty());
                setRows(m_rows);
                showStatus(tr("%n record(s) shown.", nullptr, int(m_rows.size())));
            },
            options);
}

void AuditPage::exportTrail()
{
    if (const QString problem = validate(); !problem.isEmpty())
        return showError(problem);
    const QString file = env().saveFileName
            ? env().saveFileName(this, tr("Export audit trail"), QStringLiteral("tap-audit.jsonl"))
            : QString();
    if (file.isEmpty())
        return;
    apiclient::ApiClient::Options options;
    options.query = filters();
    options.timeoutMs = 120000; // a long trail takes a while to stream
    showStatus(tr("Exporting…"));
    api()->get(
            QStringLiteral("/admin/audit/export"), this,
            [this, file](const Reply &r) {
                if (!r.ok())
                    return showError(ErrorText::of(r));
                QSaveFile out(file);
                if (!out.open(QIODevice::WriteOnly) || out.write(r.raw) != r.raw.size()
                    || !out.commit())
                    return showError(tr("Could not write %1: %2").arg(file, out.errorString()));
                showError({});
                showStatus(tr("Exported %n record(s) to %1.", nullptr, int(r.raw.count('\n')))
                                   .arg(file));
            },
            options);
}

} // namespace tap::console
