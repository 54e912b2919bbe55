#include "app/icons.h"

#include <QApplication>
#include <QHash>
#include <QStyle>

namespace tap::console {

namespace {

QStyle::StandardPixmap fallback(const QString &name)
{
    static const QHash<QString, QStyle::StandardPixmap> map{
        { QStringLiteral("tap"), QStyle::SP_DriveNetIcon },
        { QStringLiteral("inbox"), QStyle::SP_FileDialogDetailedView },
        { QStringLiteral("team"), QStyle::SP_DirHomeIcon },
        { QStringLiteral("credential"), QStyle::SP_DialogSaveButton },
        { QStringLiteral("policy"), QStyle::SP_FileDialogContentsView },
        { QStringLiteral("agent"), QStyle::SP_ComputerIcon },
        { QStringLiteral("role"), QStyle::SP_DirIcon },
        { QStringLiteral("channel"), QStyle::SP_MessageBoxInformation },
        { QStringLiteral("link"), QStyle::SP_DirLinkIcon },
        { QStringLiteral("audit"), QStyle::SP_FileDialogListView },
        { QStringLiteral("add"), QStyle::SP_FileDialogNewFolder },
        { QStringLiteral("delete"), QStyle::SP_TrashIcon },
        { QStringLiteral("refresh"), QStyle::SP_BrowserReload },
        { QStringLiteral("approve"), QStyle::SP_DialogApplyButton },
        { QStringLiteral("deny"), QStyle::SP_DialogCancelButton },
        { QStringLiteral("key"), QStyle::SP_DialogResetButton },
        { QStringLiteral("logout"), QStyle::SP_DialogCloseButton },
    };
    return map.value(name, QStyle::SP_FileIcon);
}

} // namespace

QIcon icon(const QString &name)
{
    QIcon result(QStringLiteral(":/icons/%1.svg").arg(name));
    if (result.pixmap(16, 16).isNull())
        result = QApplication::style()->standardIcon(fallback(name));
    return result;
}

} // namespace tap::console
