#include "dialogs/signindialog.h"

#include "api/account.h"
#include "api/validation.h"
#include "app/errortext.h"
#include "session/session.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QVBoxLayout>

namespace tap::console {

namespace {

QLineEdit *lineEdit(QWidget *parent, const QString &name, bool secret = false)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    if (secret)
        edit->setEchoMode(QLineEdit::Password);
    return edit;
}

QPushButton *button(QWidget *parent, const QString &text, const QString &name)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}

} // namespace

SignInDialog::SignInDialog(Session *session, QWidget *parent) : QDialog(parent), m_session(session)
{
    setObjectName(QStringLiteral("signInDialog"));
    setWindowTitle(tr("Sign in to TAP"));
    auto *layout = new QVBoxLayout(this);
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("noticeLabel"));
    m_notice->setWordWrap(true);
    m_notice->hide();
    layout->addWidget(m_notice);

    auto *form = new QFormLayout;
    m_profiles = new QComboBox(this);
    m_profiles->setObjectName(QStringLiteral("profileCombo"));
    m_profiles->addItem(tr("New server…"));
    const QList<Profile> saved = ProfileStore().profiles();
    for (const Profile &p : saved)
        m_profiles->addItem(p.label(), QVariant::fromValue(p.key()));
    form->addRow(tr("&Profile:"), m_profiles);
    m_url = lineEdit(this, QStringLiteral("serverUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://tap.example.com"));
    form->addRow(tr("&Server URL:"), m_url);
    m_email = lineEdit(this, QStringLiteral("email"));
    form->addRow(tr("&Email:"), m_email);
    layout->addLayout(form);
    connect(m_profiles, &QComboBox::currentIndexChanged, this, [this, saved](int index) {
        if (index > 0 && index <= saved.size())
            setProfile(saved.at(index - 1));
    });

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("modeTabs"));
    m_tabs->addTab(loginTab(), tr("&Log in"));
    m_tabs->addTab(signupTab(), tr("Sign &up"));
    m_tabs->addTab(verifyTab(), tr("&Verify email"));
    layout->addWidget(m_tabs);
    // Enter presses the current tab's button.
    connect(m_tabs, &QTabWidget::currentChanged, this, &SignInDialog::updateDefaultButton);
    updateDefaultButton(0);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    layout->addWidget(m_error);
    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("infoLabel"));
    m_info->setWordWrap(true);
    layout->addWidget(m_info);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    if (!saved.isEmpty()) {
        m_profiles->setCurrentIndex(1);
        setProfile(saved.first());
    } else {
        m_url->setText(QStringLiteral("http://127.0.0.1:8080"));
    }
}

QWidget *SignInDialog::loginTab()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_password = lineEdit(page, QStringLiteral("password"), true);
    form->addRow(tr("Pass&word:"), m_password);
    m_loginTeam = lineEdit(page, QStringLiteral("loginTeamId"));
    m_loginTeam->setPlaceholderText(tr("optional: for members of several teams"));
    form->addRow(tr("&Team ID:"), m_loginTeam);
    m_loginInvite = lineEdit(page, QStringLiteral("loginInviteToken"));
    m_loginInvite->setPlaceholderText(tr("optional: tapi_… from an invitation mail"));
    form->addRow(tr("&Invitation:"), m_loginInvite);
    auto *go = button(page, tr("Log in"), QStringLiteral("loginButton"));
    form->addRow(go);
    m_defaults << go;
    connect(go, &QPushButton::clicked, this, &SignInDialog::login);
    return page;
}

QWidget *SignInDialog::signupTab()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_invite = lineEdit(page, QStringLiteral("inviteToken"));
    m_invite->setPlaceholderText(tr("only if you were invited: tapi_… from the mail"));
    form->addRow(tr("&Invitation:"), m_invite);
    m_teamName = lineEdit(page, QStringLiteral("teamName"));
    m_teamName->setPlaceholderText(QStringLiteral("my-team"));
    form->addRow(tr("New &team name:"), m_teamName);
    // An invited member joins the inviting team instead of creating one.
    connect(m_invite, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_teamName->setEnabled(text.trimmed().isEmpty()); });
    m_newPassword = lineEdit(page, QStringLiteral("newPassword"), true);
    form->addRow(tr("Pass&word:"), m_newPassword);
    m_confirm = lineEdit(page, QStringLiteral("confirmPassword"), true);
    form->addRow(tr("&Repeat password:"), m_confirm);
    auto *go = button(page, tr("Create account"), QStringLiteral("signupButton"));
    form->addRow(go);
    m_defaults << go;
    connect(go, &QPushButton::clicked, this, &SignInDialog::signup);
    return page;
}

QWidget *SignInDialog::verifyTab()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_code = lineEdit(page, QStringLiteral("code"));
    m_code->setPlaceholderText(QStringLiteral("123456"));
    m_code->setMaxLength(6);
    form->addRow(tr("&Code from the email:"), m_code);
    auto *go = button(page, tr("Verify"), QStringLiteral("verifyButton"));
    auto *again = button(page, tr("Send a new code"), QStringLiteral("resendButton"));
    form->addRow(go);
    form->addRow(again);
    m_defaults << go;
    connect(go, &QPushButton::clicked, this, &SignInDialog::verify);
    connect(again, &QPushButton::clicked, this, &SignInDialog::resend);
    return page;
}

void SignInDialog::updateDefaultButton(int tab)
{
    for (int i = 0; i < m_defaults.size(); ++i)
        m_defaults.at(i)->setDefault(i == tab);
}

QString SignInDialog::loginError(const Session::Reply &reply) const
{
    QHash<QString, QString> texts = {
        { QStringLiteral("unauthorized"), tr("The email or the password is wrong.") },
        { QStringLiteral("forbidden"),
          tr("This account cannot log in to this team yet: verify the email address first, or "
             "check the team ID and the invitation.") }
    };
    if (!m_loginInvite->text().trimmed().isEmpty())
        texts.insert(QStringLiteral("invalid_request"),
                     tr("The invitation is invalid or has expired."));
    return ErrorText::of(reply, texts);
}

void SignInDialog::setMode(Mode mode)
{
    m_tabs->setCurrentIndex(int(mode));
}

void SignInDialog::setProfile(const Profile &profile)
{
    m_url->setText(profile.url.toString());
    m_email->setText(profile.email);
}

void SignInDialog::setNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

QString SignInDialog::errorText() const
{
    return m_error->text();
}

QString SignInDialog::infoText() const
{
    return m_info->text();
}

std::optional<Profile> SignInDialog::checkedProfile()
{
    if (!api::checkHttpUrl(QStringLiteral("url"), m_url->text().trimmed())) {
        showError(tr("The server URL must start with http:// or https://."));
        return std::nullopt;
    }
    const QString email = m_email->text().trimmed().toLower();
    if (!api::checkEmail(email)) {
        showError(tr("Enter a valid email address."));
        return std::nullopt;
    }
    return Profile{ QUrl(m_url->text().trimmed()), email };
}

void SignInDialog::login()
{
    const auto profile = checkedProfile();
    if (!profile)
        return;
    if (m_password->text().isEmpty())
        return showError(tr("Enter your password."));
    setBusy(true);
    m_session->login(*profile, m_password->text(), m_loginTeam->text().trimmed(),
                     m_loginInvite->text().trimmed(), bound([this](const Session::Reply &r) {
                         setBusy(false);
                         if (!r.ok())
                             return showError(loginError(r));
                         m_password->clear();
                         m_loginInvite->clear(); // used up
                         accept();
                     }));
}

void SignInDialog::signup()
{
    const auto profile = checkedProfile();
    if (!profile)
        return;
    const bool invited = !m_invite->text().trimmed().isEmpty();
    if (!invited && !api::checkTeamName(m_teamName->text().trimmed()))
        return showError(tr("Team names are 3–64 characters: lowercase letters, digits and "
                            "hyphens, starting and ending with a letter or digit."));
    if (!api::checkPassword(m_newPassword->text()))
        return showError(tr("Passwords must be 8 to 1024 characters long."));
    if (m_newPassword->text() != m_confirm->text())
        return showError(tr("The passwords do not match."));
    if (invited)
        return signupInvited(*profile);
    setBusy(true);
    m_session->signup(*profile, m_newPassword->text(), m_teamName->text().trimmed(),
                      bound([this](const Session::Reply &r) {
                          setBusy(false);
                          if (!r.ok())
                              return showError(ErrorText::of(r));
                          m_password->setText(m_newPassword->text());
                          m_newPassword->clear();
                          m_confirm->clear();
                          setMode(Verify);
                          m_code->setFocus(Qt::OtherFocusReason);
                          showInfo(tr("Account created. Enter the 6-digit code we sent to %1.")
                                           .arg(m_email->text().trimmed()));
                      }));
}

// The invitation reached the address, so the server verifies it with the sign-up: straight on
// to logging in.
void SignInDialog::signupInvited(const Profile &profile)
{
    setBusy(true);
    m_session->signupInvited(
            profile, m_newPassword->text(), m_invite->text().trimmed(),
            bound([this](const Session::Reply &r) {
                setBusy(false);
                if (!r.ok())
                    return showError(ErrorText::of(r,
                                                   { { QStringLiteral("invalid_request"),
                                                       tr("The invitation is invalid or has "
                                                          "expired.") } }));
                m_password->setText(m_newPassword->text());
                m_newPassword->clear();
                m_confirm->clear();
                m_invite->clear();
                m_loginTeam->setText(api::SignedUp::decode(r.body).teamId);
                setMode(Login);
                showInfo(tr("Account created and invitation accepted. You can "
                            "log in now."));
            }));
}

void SignInDialog::verify()
{
    const auto profile = checkedProfile();
    if (!profile)
        return;
    static const QRegularExpression sixDigits(QStringLiteral("^[0-9]{6}$"));
    if (!sixDigits.match(m_code->text().trimmed()).hasMatch())
        return showError(tr("The code is the 6 digits from the email."));
    setBusy(true);
    m_session->verify(*profile, m_code->text().trimmed(), bound([this](const Session::Reply &r) {
        setBusy(false);
        if (!r.ok())
            return showError(ErrorText::of(
                    r,
                    { { QStringLiteral("invalid_request"),
                        tr("The code is wrong or has expired. Send a new code if needed.") } }));
        m_code->clear();
        setMode(Login);
        showInfo(tr("Email verified. You can log in now."));
    }));
}

void SignInDialog::resend()
{
    const auto profile = checkedProfile();
    if (!profile)
        return;
    setBusy(true);
    m_session->resend(*profile, bound([this](const Session::Reply &r) {
        setBusy(false);
        if (!r.ok())
            return showError(ErrorText::of(r));
        showInfo(tr("If the account still needs verifying, a new code is on its way."));
    }));
}

void SignInDialog::setBusy(bool busy)
{
    m_tabs->setEnabled(!busy);
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
    if (busy) {
        m_error->clear();
        m_info->clear();
    }
}

void SignInDialog::showError(const QString &text)
{
    m_info->clear();
    m_error->setText(text);
}

void SignInDialog::showInfo(const QString &text)
{
    m_error->clear();
    m_info->setText(text);
}

} // namespace tap::console
