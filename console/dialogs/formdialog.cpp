#include "dialogs/formdialog.h"

#include "app/errortext.h"
#include "dialogs/namepicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QShowEvent>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace tap::console {

QStringList splitList(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\n]"));
    QStringList out;
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        if (!part.trimmed().isEmpty() && !out.contains(part.trimmed()))
            out << part.trimmed();
    }
    return out;
}

FormDialog::FormDialog(const QString &objectName, const QString &title, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(objectName);
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    // Wide enough for the whole title next to the window buttons.
    setMinimumWidth(qMax(360, fontMetrics().horizontalAdvance(title) + 160));
    auto *layout = new QVBoxLayout(this);
    m_form = new QFormLayout;
    layout->addLayout(m_form);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &FormDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QLineEdit *FormDialog::addLine(const QString &name, const QString &label, const QString &text,
                               const QString &placeholder)
{
    auto *edit = new QLineEdit(text, this);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    m_form->addRow(label, edit);
    return edit;
}

QLineEdit *FormDialog::addSecret(const QString &name, const QString &label)
{
    QLineEdit *edit = addLine(name, label);
    edit->setEchoMode(QLineEdit::Password);
    edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText);
    return edit;
}

QComboBox *FormDialog::addCombo(const QString &name, const QString &label, const QStringList &items,
                                const QString &current)
{
    auto *combo = new QComboBox(this);
    combo->setObjectName(name);
    combo->addItems(items);
    if (!current.isEmpty())
        combo->setCurrentText(current);
    m_form->addRow(label, combo);
    return combo;
}

NamePicker *FormDialog::addPicker(const QString &name, const QString &label,
                                  const QStringList &names, const QString &placeholder)
{
    auto *picker = new NamePicker(name, this);
    picker->setNames(names);
    picker->setPlaceholderText(placeholder);
    m_form->addRow(label, picker);
    // The chips wrap onto new lines: the dialog grows to show them (its minimum width is set,
    // so its layout does not resize it).
    connect(picker, &NamePicker::namesChanged, this, [this] {
        QTimer::singleShot(0, this, [this] {
            if (const int h = layout()->totalHeightForWidth(width()); h > height())
                resize(width(), h);
        });
    });
    return picker;
}

QCheckBox *FormDialog::addCheck(const QString &name, const QString &label, bool checked)
{
    auto *box = new QCheckBox(label, this);
    box->setObjectName(name);
    box->setChecked(checked);
    m_form->addRow(QString(), box);
    return box;
}

QSpinBox *FormDialog::addSpin(const QString &name, const QString &label, int value,
                              const QString &zeroText)
{
    auto *spin = new QSpinBox(this);
    spin->setObjectName(name);
    spin->setRange(0, 1000000000);
    spin->setSpecialValueText(zeroText);
    spin->setValue(value);
    m_form->addRow(label, spin);
    return spin;
}

void FormDialog::addNote(const QString &text)
{
    auto *note = new QLabel(text, this);
    note->setWordWrap(true);
    m_form->addRow(note);
}

QString FormDialog::text(const QString &name) const
{
    if (auto *edit = findChild<QLineEdit *>(name))
        return edit->text().trimmed();
    if (auto *combo = findChild<QComboBox *>(name))
        return combo->currentText().trimmed();
    return {};
}

NamePicker *FormDialog::picker(const QString &name) const
{
    return findChild<NamePicker *>(name);
}

QStringList FormDialog::names(const QString &name) const
{
    const NamePicker *p = picker(name);
    return p ? p->names() : QStringList();
}

QString FormDialog::firstUnknown(const QString &name) const
{
    const NamePicker *p = picker(name);
    return p ? p->unknownNames().value(0) : QString();
}

void FormDialog::submit()
{
    const QString problem = m_validator ? m_validator() : QString();
    if (!problem.isEmpty())
        return showError(problem);
    showError({});
    // OK waits for the answer; Cancel stays, and aborts the request.
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    if (m_submit)
        m_submit(this);
    else
        accept();
}

void FormDialog::reject()
{
    if (isSending()) {
        m_cancelled = true; // the aborted request's answer must not count as anything
        m_request->abort();
    }
    QDialog::reject();
}

void FormDialog::finish(const apiclient::ApiClient::Reply &reply)
{
    if (m_cancelled)
        return;
    m_request.clear();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
    if (reply.ok())
        return accept();
    showError(ErrorText::of(reply, m_errorTexts));
}

void FormDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    if (!message.isEmpty())
        adjustSize(); // grow to show the whole message
}

void FormDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    for (int row = 0; row < m_form->rowCount(); ++row) {
        QLayoutItem *item = m_form->itemAt(row, QFormLayout::FieldRole);
        QWidget *field = item ? item->widget() : nullptr;
        if (field && field->isEnabled() && (field->focusPolicy() & Qt::TabFocus)) {
            field->setFocus(Qt::TabFocusReason);
            return;
        }
    }
}

QString FormDialog::errorText() const
{
    return m_error->text();
}

} // namespace tap::console
