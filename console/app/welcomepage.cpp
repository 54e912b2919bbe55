#include "app/welcomepage.h"

#include "app/icons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace tap::console {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto *layout = new QVBoxLayout(this);
    layout->addStretch();
    auto *logo = new QLabel(this);
    logo->setPixmap(icon(QStringLiteral("tap")).pixmap(64, 64));
    logo->setAlignment(Qt::AlignCenter);
    layout->addWidget(logo);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("welcomeTitle"));
    m_title->setAlignment(Qt::AlignCenter);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_title->setFont(big);
    layout->addWidget(m_title);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("welcomeText"));
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    layout->addWidget(m_text);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    auto *signUp = new QPushButton(icon(QStringLiteral("add")), tr("&Sign up…"), this);
    signUp->setObjectName(QStringLiteral("welcomeSignUpButton"));
    auto *logIn = new QPushButton(icon(QStringLiteral("key")), tr("&Log in…"), this);
    logIn->setObjectName(QStringLiteral("welcomeLogInButton"));
    logIn->setDefault(true);
    buttons->addWidget(signUp);
    buttons->addWidget(logIn);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addStretch();
    connect(signUp, &QPushButton::clicked, this, &WelcomePage::signUpRequested);
    connect(logIn, &QPushButton::clicked, this, &WelcomePage::logInRequested);
    setFirstRun(true);
}

void WelcomePage::setFirstRun(bool firstRun)
{
    if (firstRun) {
        m_title->setText(tr("Welcome to TAP"));
        m_text->setText(tr("TAP keeps your team's API keys away from your AI agents and asks you "
                           "before they do something risky. Create an account and a team with "
                           "Sign up, or log in to a TAP server you already use."));
    } else {
        m_title->setText(tr("You are logged out"));
        m_text->setText(tr("Log in again to manage your team and answer approval requests."));
    }
}

} // namespace tap::console
