#pragma once

#include "approvals/approval.h"
#include "pages/page.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTableView;

namespace tap::console {

class ApprovalPoller;
class ApprovalsModel;

// The approvals inbox: pending requests kept current by the long poll (other states on
// demand), the selected request in detail, approve and deny. Passkey-protected requests are
// decided in the browser at their approval_url.
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
    // Shows the request `id` (from a notification), whatever its state.
    void showApproval(const QString &id);
    // Offline, the list is what was last known: said above it.
    void setOnline(bool online);

public slots:
    void approve() { decide(Decision::Approve); }
    void deny() { decide(Decision::Deny); }
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
    static QString newHostNotice(const Approval &a);
    enum class Decision { Deny, Approve, ApproveAllowHost };
    void decide(Decision decision);
    void openInBrowser(const Approval &a);

    ApprovalPoller *m_poller;
    ApprovalsModel *m_model;
    QComboBox *m_status;
    QTableView *m_view = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QLabel *m_notice = nullptr;
    QString m_wanted; // select this id once it is shown
};

} // namespace tap::console
