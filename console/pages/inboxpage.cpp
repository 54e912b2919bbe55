#include "pages/inboxpage.h"

#include "api/keys.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "session/session.h"

#include <QLineEdit>
#include <QComboBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace tap::console {

InboxPage::InboxPage(Session *session, const Environment &env, ApprovalPoller *poller,
                     QWidget *parent)
    : Page(session, env, parent), m_poller(poller), m_model(new ApprovalsModel(this))
{
    setObjectName(QStringLiteral("inboxPage"));
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("Pending"), QStringLiteral("pending"));
    m_status->addItem(tr("All"), QStringLiteral("all"));
    for (const char *s : { "approved", "forwarded", "denied", "expired", "failed" })
        m_status->addItem(ApprovalsModel::statusText(QString::fromLatin1(s)),
                          QString::fromLatin1(s));
    toolbar()->insertWidget(0, m_status);
    addButton(tr("&Approve"), QStringLiteral("approveButton"), QStringLiteral("approve"),
              NeedsSelection, [this] { approve(); });
    addButton(tr("Approve and allow &host"), QStringLiteral("approveAllowHostButton"),
              QStringLiteral("approve"), NeedsSelection | Configures,
              [this] { approveAndAllowHost(); });
    addButton(tr("&Deny"), QStringLiteral("denyButton"), QStringLiteral("deny"), NeedsSelection,
              [this] { deny(); });
    addButton(tr("Open in &browser"), QStringLiteral("openBrowserButton"), QStringLiteral("link"),
              NeedsSelection, [this] {
                  if (const Approval *a = selected())
                      openInBrowser(*a);
              });

    // The first use of a host with a credential: said above the details, not only in them.
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("newHostNotice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("color: #8a5a00; font-weight: bold;"));
    m_notice->hide();
    body()->addWidget(m_notice);
    auto *split = new QSplitter(Qt::Vertical, this);
    m_view = new QTableView(split);
    m_view->setObjectName(QStringLiteral("approvalsTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_details = new QPlainTextEdit(split);
    m_details->setObjectName(QStringLiteral("detailText"));
    m_details->setReadOnly(true);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    body()->addWidget(split, 1);
    filterEdit()->hide();

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetails();
        updateButtons();
    });
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] { fetch(); });
    connect(m_poller, &ApprovalPoller::updated, this, &InboxPage::onPending);
}

bool InboxPage::hasSelection() const
{
    return selected() != nullptr;
}

void InboxPage::updateButtons()
{
    Page::updateButtons();
    const Approval *a = selected();
    for (const char *name : { "approveButton", "denyButton" }) {
        if (auto *b = findChild<QWidget *>(QLatin1String(name)))
            b->setEnabled(a && a->needsMe());
    }
    // Adding a host changes configuration: owners and admins only, and only for new hosts.
    if (auto *b = findChild<QWidget *>(QStringLiteral("approveAllowHostButton"))) {
        b->setVisible(a && a->hasNewHosts());
        b->setEnabled(a && a->needsMe() && a->hasNewHosts() && session()->canConfigure());
    }
    if (auto *b = findChild<QWidget *>(QStringLiteral("openBrowserButton")))
        b->setEnabled(a && a->isPending() && !a->approvalUrl.isEmpty());
}

void InboxPage::refresh()
{
    if (m_status->currentData().toString() == u"pending")
        m_poller->refreshNow(); // ask again now rather than wait for the next change
    else
        fetch();
}

void InboxPage::clear()
{
    Page::clear();
    m_model->setApprovals({});
    m_details->clear();
}

void InboxPage::setOnline(bool online)
{
    showError(online ? QString()
                     : tr("The server cannot be reached: these are the requests last known. "
                          "Retrying…"));
}

void InboxPage::onPending(const QList<Approval> &pending)
{
    if (m_status->currentData().toString() == u"pending")
        setApprovals(pending);
    else
        fetch(); // something changed: the other lists may have too
}

void InboxPage::fetch()
{
    const QString status = m_status->currentData().toString();
    if (status == u"pending")
        return setApprovals(m_poller->pending());
    apiclient::ApiClient::Options options;
    options.query.addQueryItem(api::key::kStatus, status);
    api()->get(
            QStringLiteral("/admin/approvals"), this,
            [this, status](const Reply &r) {
                if (m_status->currentData().toString() != status)
                    return;
                if (!r.ok())
                    return showError(r.errorMessage());
                setApprovals(Approval::listFromJson(r.body));
            },
            options);
}

void InboxPage::setApprovals(const QList<Approval> &approvals)
{
    const Approval *current = selected();
    const QString keep = m_wanted.isEmpty() ? (current ? current->id : QString()) : m_wanted;
    m_model->setApprovals(approvals);
    m_view->resizeColumnsToContents();
    if (const int row = m_model->rowOf(keep); row >= 0) {
        m_view->selectRow(row);
        m_wanted.clear();
    }
    showDetails();
    updateButtons();
}

const Approval *InboxPage::selected() const
{
    if (!m_view)
        return nullptr;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    return m_model->find(rows.first().data(ApprovalsModel::IdRole).toString());
}

void InboxPage::showApproval(const QString &id)
{
    if (id.isEmpty())
        return;
    m_wanted = id;
    if (const int row = m_model->rowOf(id); row >= 0) {
        m_view->selectRow(row);
        m_wanted.clear();
        return;
    }
    m_status->setCurrentIndex(m_status->findData(QStringLiteral("all"))); // fetches, then selects
}

QString InboxPage::newHostNotice(const Approval &a)
{
    QStringList out;
    for (const QString &entry : a.newHosts)
        out << tr("First use of host %1 with credential %2.")
                        .arg(entry.section(u' ', 1), entry.section(u' ', 0, 0));
    return out.join(u' ');
}

void InboxPage::showDetails()
{
    const Approval *a = selected();
    m_notice->setVisible(a && a->hasNewHosts());
    m_notice->setText(a && a->hasNewHosts() ? newHostNotice(*a) : QString());
    if (!a)
        return m_details->clear();
    const QLocale locale;
    QStringList lines{
        tr("Request %1 — %2").arg(a->id, ApprovalsModel::statusText(a->status)),
        tr("Agent: %1 (%2, team %3)").arg(a->agentLabel(), a->agentId, a->agentHomeTeamId),
        tr("Credential: %1").arg(a->credential),
        tr("Request: %1 %2").arg(a->method, a->target),
        tr("Requested: %1; expires: %2")
                .arg(locale.toString(a->createdAt, QLocale::LongFormat),
                     locale.toString(a->expiresAt, QLocale::LongFormat)),
    };
    if (a->hasNewHosts())
        lines << newHostNotice(*a);
    if (!a->decidedBy.isEmpty())
        lines << tr("Decided by %1 via %2 at %3")
                         .arg(a->decidedBy, a->decidedVia,
                              locale.toString(a->decidedAt, QLocale::LongFormat));
    if (a->requirePasskey)
        lines << tr("This credential needs a passkey: approve or deny in the browser.");
    else if (a->isPending() && !a->canDecide)
        lines << tr("You are not an allowed approver for this credential.");
    if (!a->bodyPreview.isEmpty())
        lines << QString() << tr("Body:") << a->bodyPreview;
    m_details->setPlainText(lines.join(u'\n'));
}

void InboxPage::decide(Decision decision)
{
    const bool approve = decision != Decision::Deny;
    const bool allowHost = decision == Decision::ApproveAllowHost;
    const Approval *current = selected();
    if (!current || !current->needsMe() || (allowHost && !current->hasNewHosts()))
        return;
    const Approval a = *current;
    QJsonObject body;
    if (allowHost)
        body.insert(QLatin1String("allow_host"), true);
    // Asked even for passkey credentials: the server decides what needs a passkey (denying
    // does not), and answers passkey_required when the browser page has to take over.
    const QString verb = approve ? QStringLiteral("/approve") : QStringLiteral("/deny");
    api()->post(QStringLiteral("/admin/approvals/") + apiclient::ApiClient::segment(a.id) + verb,
                body, this, [this, a, approve, allowHost](const Reply &r) {
                    if (r.status == 403 && r.error.code == u"passkey_required")
                        return openInBrowser(a);
                    if (!r.ok()) {
                        showError(r.errorMessage());
                        if (r.status == 409)
                            refresh(); // decided elsewhere or expired: show the truth
                        return;
                    }
                    showError({});
                    m_model->update(Approval::fromJson(r.body));
                    showDetails();
                    updateButtons();
                    if (allowHost)
                        showStatus(tr("Approved the request of %1; its new hosts are now "
                                      "allowed for their credentials.")
                                           .arg(a.agentLabel()));
                    else
                        showStatus(approve ? tr("Approved the request of %1.").arg(a.agentLabel())
                                           : tr("Denied the request of %1.").arg(a.agentLabel()));
                });
}

void InboxPage::openInBrowser(const Approval &a)
{
    const QUrl url(a.approvalUrl);
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http"))
        return showError(tr("The request has no approval page to open."));
    if (env().openUrl && env().openUrl(url))
        showStatus(tr("This credential needs a passkey: the approval page was opened in your "
                      "browser."));
    else
        showError(tr("Could not open %1 in the browser.").arg(url.toString()));
}

} // namespace tap::console
