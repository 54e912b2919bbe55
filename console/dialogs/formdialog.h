#pragma once

#include "apiclient/apiclient.h"

#include <QDialog>
#include <QHash>
#include <QNetworkReply>
#include <QPointer>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tap::console {

class NamePicker;

// A form that checks its fields like the server does before sending them, sends them, and
// stays open with the server's message when the server disagrees. Fields are found by
// objectName. Open it with open() (window-modal, not blocking).
class FormDialog : public QDialog
{
    Q_OBJECT
public:
    using Validator = std::function<QString()>; // an error sentence, or empty when fine
    using Submit = std::function<void(FormDialog *dialog)>; // sends; later calls finish()

    FormDialog(const QString &objectName, const QString &title, QWidget *parent);

    QLineEdit *addLine(const QString &name, const QString &label, const QString &text = {},
                       const QString &placeholder = {});
    QLineEdit *addSecret(const QString &name, const QString &label);
    QComboBox *addCombo(const QString &name, const QString &label, const QStringList &items,
                        const QString &current = {});
    // Names picked from a list of the server's (NamePicker::fetchKnownNames()).
    NamePicker *addPicker(const QString &name, const QString &label, const QStringList &names,
                          const QString &placeholder = {});
    QCheckBox *addCheck(const QString &name, const QString &label, bool checked = false);
    // 0 shows `zeroText` (e.g. "unlimited").
    QSpinBox *addSpin(const QString &name, const QString &label, int value,
                      const QString &zeroText);
    void addNote(const QString &text);

    void setValidator(Validator validator) { m_validator = std::move(validator); }
    void setSubmit(Submit submit) { m_submit = std::move(submit); }
    // This form's sentences for server error codes (over ErrorText's table).
    void setErrorTexts(QHash<QString, QString> texts) { m_errorTexts = std::move(texts); }
    // The request the submit function sent (send it with this dialog as the apiclient
    // context): Cancel, Esc or closing the window abort it, and its answer is then ignored.
    void track(QNetworkReply *reply) { m_request = reply; }
    bool isSending() const { return m_request && m_request->isRunning(); }
    // The server's answer: success closes the dialog, failure shows the server's message.
    void finish(const apiclient::ApiClient::Reply &reply);
    void showError(const QString &message);
    QString errorText() const;

    // Text of a line edit or combo box by objectName, trimmed.
    QString text(const QString &name) const;
    // The picker by objectName, its names, the first of them the server's list lacks.
    NamePicker *picker(const QString &name) const;
    QStringList names(const QString &name) const;
    QString firstUnknown(const QString &name) const;

public slots:
    void submit();
    void reject() override;

protected:
    // Opens with the focus on the first field, not on OK.
    void showEvent(QShowEvent *event) override;

private:
    QFormLayout *m_form;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    Validator m_validator;
    Submit m_submit;
    QHash<QString, QString> m_errorTexts;
    QPointer<QNetworkReply> m_request;
    bool m_cancelled = false;
};

// Comma- or newline-separated names as a list (blanks dropped).
QStringList splitList(const QString &text);

} // namespace tap::console
