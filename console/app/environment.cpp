#include "app/environment.h"

#include <QDesktopServices>
#include <QFileDialog>
#include <QMessageBox>

namespace tap::console {

Environment Environment::desktop()
{
    Environment env;
    env.openUrl = [](const QUrl &url) { return QDesktopServices::openUrl(url); };
    env.confirm = [](QWidget *parent, const QString &title, const QString &text) {
        return QMessageBox::question(parent, title, text, QMessageBox::Yes | QMessageBox::No,
                                     QMessageBox::No)
                == QMessageBox::Yes;
    };
    env.unsaved = [](QWidget *parent, const QString &title, const QString &text) {
        const auto answer = QMessageBox::question(
                parent, title, text, QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                QMessageBox::Save);
        if (answer == QMessageBox::Save)
            return Unsaved::Save;
        return answer == QMessageBox::Discard ? Unsaved::Discard : Unsaved::Cancel;
    };
    env.saveFileName = [](QWidget *parent, const QString &caption, const QString &suggested) {
        return QFileDialog::getSaveFileName(parent, caption, suggested,
                                            QFileDialog::tr("JSON lines (*.jsonl);;All files (*)"));
    };
    return env;
}

} // namespace tap::console
