#pragma once

#include "session/profilestore.h"
#include "session/session.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;

namespace tap::console {

class Session;

// Connect and sign in: a remembered server profile or a new one; log in, sign up (email,
// password, team name) and verify the emailed code. Invited members sign up or log in with the
// token from their invitation mail, and members of several teams may name the team to log in
// to. Accepted once the session is signed in.
class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    enum Mode { Login, Signup, Verify };

    SignInDialog(Session *session, QWidget *parent = nullptr);

    void setMode(Mode mode);
    void setProfile(const Profile &profile);
    // A notice above the form, e.g. why the user has to log in again.
    void setNotice(const QString &text);
    QString errorText() const;
    QString infoText() const;

private:
    // A callback bound to this dialog: dropped if the dialog is gone when the answer comes.
    template <typename F>
    Session::Callback bound(F f)
    {
        return [self = QPointer<SignInDialog>(this), f = std::move(f)](const Session::Reply &r) {
            if (self)
                f(r);
        };
    }
    QWidget *loginTab();
    QWidget *signupTab();
    QWidget *verifyTab();
    std::optional<Profile> checkedProfile();
    void login();
    void signup();
    void signupInvited(const Profile &profile);
    void verify();
    void resend();
    void setBusy(bool busy);
    void updateDefaultButton(int tab);
    QString loginError(const Session::Reply &reply) const;
    void showError(const QString &text);
    void showInfo(const QString &text);

    Session *m_session;
    QComboBox *m_profiles;
    QLineEdit *m_url;
    QLineEdit *m_email;
    QTabWidget *m_tabs;
    QLineEdit *m_password;
    QLineEdit *m_loginTeam;
    QLineEdit *m_loginInvite;
    QLineEdit *m_invite;
    QLineEdit *m_newPassword;
    QLineEdit *m_confirm;
    QLineEdit *m_teamName;
    QLineEdit *m_code;
    QLabel *m_notice;
    QLabel *m_error;
    QLabel *m_info;
    QList<QPushButton *> m_defaults; // per tab: the button Enter presses
};

} // namespace tap::console
