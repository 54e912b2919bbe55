#include "dialogs/secretdialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace tap::console {

SecretDialog::SecretDialog(const QString &title, const QString &message, const QString &secret,
                           QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("apiKeyDialog"));
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(message, this);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto *row = new QHBoxLayout;
    m_field = new QLineEdit(secret, this);
    m_field->setObjectName(QStringLiteral("secretField"));
    m_field->setReadOnly(true);
    m_field->setMinimumWidth(360);
    row->addWidget(m_field);
    auto *copy = new QPushButton(tr("&Copy"), this);
    copy->setObjectName(QStringLiteral("copyButton"));
    row->addWidget(copy);
    layout->addLayout(row);
    m_copied = new QLabel(this);
    m_copied->setObjectName(QStringLiteral("copiedLabel"));
    layout->addWidget(m_copied);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeButton"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_field->text());
        m_copied->setText(tr("Copied to the clipboard."));
    });
}

QString SecretDialog::secret() const
{
    return m_field->text();
}

} // namespace tap::console
