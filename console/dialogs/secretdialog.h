#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;

namespace tap::console {

// Shows a secret the server will never show again (an agent's API key) with a copy button.
class SecretDialog : public QDialog
{
    Q_OBJECT
public:
    SecretDialog(const QString &title, const QString &message, const QString &secret,
                 QWidget *parent);
    QString secret() const;

private:
    QLineEdit *m_field;
    QLabel *m_copied;
};

} // namespace tap::console
