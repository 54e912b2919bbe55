#pragma once

#include <QString>
#include <QUrl>

#include <functional>

class QWidget;

namespace tap::console {

// What the console asks of the desktop, injectable so tests can answer instead of a person
// or a browser.
struct Environment
{
    // Opens a URL in the browser (passkey approvals).
    std::function<bool(const QUrl &url)> openUrl;
    // Asks a yes/no question; true means go ahead.
    std::function<bool(QWidget *parent, const QString &title, const QString &text)> confirm;
    // Unsaved edits are about to be dropped: Save, Discard or Cancel (stay).
    enum class Unsaved { Save, Discard, Cancel };
    std::function<Unsaved(QWidget *parent, const QString &title, const QString &text)> unsaved;
    // Asks where to save a file; empty means cancelled.
    std::function<QString(QWidget *parent, const QString &caption, const QString &suggested)>
            saveFileName;

    // The real thing: QDesktopServices, QMessageBox, QFileDialog.
    static Environment desktop();
};

} // namespace tap::console
