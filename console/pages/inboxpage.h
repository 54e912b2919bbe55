#pragma once

#include "approvals/approval.h"
#include "pages/page.h"

class QComboBox;
class QSortFilterProxyModel;
class QTableView;

namespace tap::console {

class ApprovalCard;
class ApprovalPoller;
class ApprovalsModel;

// The approvals inbox: pending requests kept current by the long poll (other states on
// demand), the selected request on an ApprovalCard, approve and deny (with a reason for the
// agent). Passkey-protected requests are approved in the browser at their approval_url.
// Keyboard-only triage: A approves, D goes to the deny reason (Enter denies), H approves and
// allows the host, J/K (or the arrows) move; after a decision the next request is selected.
class InboxPage : public Page
{
    Q_OBJECT
public:
    InboxPage(Session *session, const Environment &env, ApprovalPoller *poller,
              QWidget *parent = nullptr);
    QString title() const override { return tr("Approvals"); }
    QString iconName() const override { return QStringLiteral("inbox"); }
    void refresh() override;
    void clear() override;
    void updateButtons() override;
    ApprovalsModel *model() const { return m_model; }
    ApprovalCard *card() const { return m_card; }
    // Shows the request `id` (from a notification), whatever its state.
    void showApproval(const QString &id);
    // Offline, the list is what was last known: said above it.
    void setOnline(bool online);

public slots:
    void approve() { decide(Decision::Approve); }
    void deny() { decide(Decision::Deny); }
    // Moves the keyboard to the deny reason (D); Enter there denies.
    void startDeny();
    // The next (+1) or previous (-1) request in the list.
    void move(int step);
    // Approves and adds the request's new hosts to their credentials (owners and admins).
    void approveAndAllowHost() { decide(Decision::ApproveAllowHost); }

protected:
    bool hasSelection() const override;

private:
    void onPending(const QList<Approval> &pending);
    void fetch();
    void setApprovals(const QList<Approval> &approvals);
    const Approval *selected() const;
    void showDetails();
    void addShortcuts();
    void select(const QString &id);
    // The row of request `id` as the view shows it (sorted), or -1.
    int viewRow(const QString &id) const;
    // The request to select once `id` is decided: the next one the member may decide, else
    // the one before.
    QString nextAfter(const QString &id) const;
    enum class Decision { Deny, Approve, ApproveAllowHost };
    void decide(Decision decision);
    void openInBrowser(const Approval &a);

    ApprovalPoller *m_poller;
    ApprovalsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_status;
    QTableView *m_view = nullptr;
    ApprovalCard *m_card = nullptr;
    QString m_wanted; // select this id once it is shown
    bool m_pollFailed = false; // the error shown is the poll's
};

} // namespace tap::console
