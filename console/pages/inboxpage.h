#pragma once

#include "approvals/approval.h"
#include "pages/page.h"

class QComboBox;
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

public slots:
    void approve() { decide(true); }
    void deny() { decide(false); }

protected:
    bool hasSelection() const override;

private:
    void onPending(const QList<Approval> &pending);
    void fetch();
    void setApprovals(const QList<Approval> &approvals);
    const Approval *selected() const;
    void showDetails();
    void decide(bool approve);
    void openInBrowser(const Approval &a);

    ApprovalPoller *m_poller;
    ApprovalsModel *m_model;
    QComboBox *m_status;
    QTableView *m_view = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QString m_wanted; // select this id once it is shown
};

} // namespace tap::console
