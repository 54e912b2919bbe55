#pragma once

#include <QWidget>

class QLabel;

namespace tap::console {

// What the window shows without a session: on the first run a welcome with Sign up and Log in,
// after logging out the way back in.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);
    // True: the first run (no saved profile); false: signed out.
    void setFirstRun(bool firstRun);

signals:
    void signUpRequested();
    void logInRequested();

private:
    QLabel *m_title;
    QLabel *m_text;
};

} // namespace tap::console
