#include "pages/inboxpage.h"

#include "api/keys.h"
#include "app/errortext.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "pages/approvalcard.h"
#include "session/session.h"

#include <QComboBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QJsonArray>
#include <QLineEdit>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

namespace tap::console {

InboxPage::InboxPage(Session *session, const Environment &env, ApprovalPoller *poller,
                     QWidget *parent)
    : Page(session, env, parent),
      m_poller(poller),
      m_model(new ApprovalsModel(this)),
      m_proxy(new QSortFilterProxyModel(this))
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
              NeedsSelection, [this] { approve(); })
            ->setToolTip(tr("Approve the selected request (key A)"));
    addButton(tr("Approve and allow h&ost"), QStringLiteral("approveAllowHostButton"),
              QStringLiteral("approve"), NeedsSelection | Configures,
              [this] { approveAndAllowHost(); })
            ->setToolTip(tr("Approve and allow its new host for the credential (key H)"));
    addButton(tr("&Deny"), QStringLiteral("denyButton"), QStringLiteral("deny"), NeedsSelection,
              [this] { deny(); })
            ->setToolTip(tr("Deny, with the reason typed on the card (key D, then Enter)"));
    addButton(tr("Open in &browser"), QStringLiteral("openBrowserButton"), QStringLiteral("link"),
              NeedsSelection, [this] {
                  if (const Approval *a = selected())
                      openInBrowser(*a);
              });

    auto *split = new QSplitter(Qt::Vertical, this);
    m_view = new QTableView(split);
    m_view->setObjectName(QStringLiteral("approvalsTable"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ApprovalsModel::SortRole);
    m_proxy->setSortLocaleAware(true);
    m_view->setModel(m_proxy);
    // The server's order until a header is clicked; a third click returns to it.
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->horizontalHeader()->setSortIndicatorClearable(true);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_card = new ApprovalCard(split);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    body()->addWidget(split, 1);
    filterEdit()->hide();
    addShortcuts();
    connect(m_card, &ApprovalCard::denyRequested, this, &InboxPage::deny);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetails();
        updateButtons();
    });
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] { fetch(); });
    connect(m_poller, &ApprovalPoller::updated, this, &InboxPage::onPending);
    connect(m_poller, &ApprovalPoller::failed, this, [this](const QString &text) {
        if (!m_poller->isOnline())
            return; // setOnline() says so
        m_pollFailed = true;
        showError(text);
    });
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
    m_card->setApproval(std::nullopt);
}

void InboxPage::setOnline(bool online)
{
    showError(online ? QString()
                     : tr("The server cannot be reached: these are the requests last known. "
                          "Retrying…"));
}

void InboxPage::onPending(const QList<Approval> &pending)
{
    if (std::exchange(m_pollFailed, false))
        showError({}); // the poll works again
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
                    return showError(ErrorText::of(r));
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
    if (const int row = viewRow(keep); row >= 0) {
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
    m_view->setFocus(); // from a notification: the keys act on this request
    if (const int row = viewRow(id); row >= 0) {
        m_view->selectRow(row);
        m_wanted.clear();
        return;
    }
    m_status->setCurrentIndex(m_status->findData(QStringLiteral("all"))); // fetches, then selects
}

void InboxPage::showDetails()
{
    const Approval *a = selected();
    m_card->setApproval(a ? std::optional<Approval>(*a) : std::nullopt, session()->profile().email);
}

void InboxPage::addShortcuts()
{
    // Single keys act while the inbox has the focus, never while text is typed (a line edit
    // takes its printable keys first).
    const auto key = [this](const QKeySequence &sequence, auto slot) {
        auto *shortcut = new QShortcut(sequence, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    key(QKeySequence(Qt::Key_A), [this] { approve(); });
    key(QKeySequence(Qt::Key_D), [this] { startDeny(); });
    key(QKeySequence(Qt::Key_H), [this] { approveAndAllowHost(); });
    key(QKeySequence(Qt::Key_J), [this] { move(1); });
    key(QKeySequence(Qt::Key_K), [this] { move(-1); });
    auto *back = new QShortcut(QKeySequence(Qt::Key_Escape), m_card->denyReasonEdit());
    back->setContext(Qt::WidgetShortcut);
    connect(back, &QShortcut::activated, this, [this] {
        m_card->clearDenyReason();
        m_view->setFocus();
    });
}

void InboxPage::startDeny()
{
    const Approval *a = selected();
    if (!a || !a->needsMe())
        return;
    m_card->denyReasonEdit()->setFocus(Qt::ShortcutFocusReason);
}

void InboxPage::move(int step)
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return;
    const Approval *a = selected();
    const int from = a ? viewRow(a->id) : (step > 0 ? -1 : rows);
    const int to = qBound(0, from + step, rows - 1);
    m_view->selectRow(to);
    m_view->setFocus();
}

void InboxPage::select(const QString &id)
{
    if (const int row = viewRow(id); row >= 0)
        m_view->selectRow(row);
}

int InboxPage::viewRow(const QString &id) const
{
    const int row = m_model->rowOf(id);
    return row < 0 ? -1 : m_proxy->mapFromSource(m_model->index(row, 0)).row();
}

QString InboxPage::nextAfter(const QString &id) const
{
    const int at = viewRow(id);
    // The request in view row `row` when the member may decide it.
    const auto decidable = [this](int row) {
        const QString rowId = m_proxy->index(row, 0).data(ApprovalsModel::IdRole).toString();
        const Approval *a = m_model->find(rowId);
        return a && a->needsMe() ? rowId : QString();
    };
    for (int i = at + 1; at >= 0 && i < m_proxy->rowCount(); ++i) {
        if (const QString next = decidable(i); !next.isEmpty())
            return next;
    }
    for (int i = at - 1; i >= 0; --i) {
        if (const QString previous = decidable(i); !previous.isEmpty())
            return previous;
    }
    return {};
}

void InboxPage::decide(Decision decision)
{
    const bool approve = decision != Decision::Deny;
    const bool allowHost = decision == Decision::ApproveAllowHost;
    const Approval *current = selected();
    if (!current || !current->needsMe() || (allowHost && !current->hasNewHosts()))
        return;
    const Approval a = *current;
    const QString next = nextAfter(a.id);
    QJsonObject body;
    if (allowHost)
        body.insert(QLatin1String("allow_host"), true);
    if (!approve && !m_card->denyReason().isEmpty())
        body.insert(QLatin1String("reason"), m_card->denyReason());
    // Asked even for passkey credentials: the server decides what needs a passkey (denying
    // does not), and answers passkey_required when the browser page has to take over.
    const QString verb = approve ? QStringLiteral("/approve") : QStringLiteral("/deny");
    api()->post(QStringLiteral("/admin/approvals/") + apiclient::ApiClient::segment(a.id) + verb,
                body, this, [this, a, approve, allowHost, next](const Reply &r) {
                    if (r.status == 403 && r.error.code == u"passkey_required")
                        return openInBrowser(a);
                    if (!r.ok()) {
                        const QString text = ErrorText::ofDecision(r);
                        showError(text);
                        if (const Approval *now = selected(); now && now->id == a.id)
                            m_card->setError(text);
                        if (r.status == 409)
                            refresh(); // decided elsewhere or expired: show the truth
                        return;
                    }
                    showError({});
                    m_card->setError({});
                    m_model->update(Approval::fromJson(r.body));
                    // Triage goes on: the next request (if it is still shown) has the focus.
                    if (const Approval *now = selected(); !now || now->id == a.id)
                        select(next);
                    showDetails();
                    updateButtons();
                    m_view->setFocus();
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
