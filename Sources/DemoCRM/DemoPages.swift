/// The HTML pages of the demo CRM: one layout, a navigation that links every section, and a little
/// plausible content per page (Russian, like the real CRM).
enum DemoPages {
    static let stylesheet = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f9;color:#1d2733}
        header{background:#2c3e50;color:#fff;padding:12px 24px;font-size:18px}
        header small{opacity:.7;margin-left:12px}
        nav{background:#fff;border-bottom:1px solid #dde3ea;padding:8px 24px}
        nav a{margin-right:16px;color:#2563eb;text-decoration:none}
        nav b{margin-right:8px;color:#667}
        main{padding:24px;max-width:960px}
        table{border-collapse:collapse;background:#fff}
        td,th{border:1px solid #dde3ea;padding:6px 12px;text-align:left}
        .card{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:16px;margin-bottom:16px}
        footer{color:#889;padding:24px;font-size:12px}
        """

    static func layout(title: String, request: DemoRequest, branch: String = "1", content: String) -> String {
        let tenant = DemoHTML.escape(request.tenant)
        let branch = DemoHTML.escape(branch)
        // A custom domain says whose it is: the CRM found the school by the domain, not by a subdomain.
        let via = request.customDomain.map { "домен \(DemoHTML.escape($0)) · " } ?? ""
        return """
            <!doctype html>
            <html lang="ru">
            <head>
            <meta charset="utf-8">
            <title>\(DemoHTML.escape(title)) — Школа \(tenant) · AlfaCRM (демо)</title>
            <link rel="stylesheet" href="/assets/app.css">
            <link rel="icon" href="/favicon.ico">
            </head>
            <body>
            <header>Школа \(tenant)<small>\(via)AlfaCRM · демо-стенд FreezeGate</small></header>
            <nav>
            <b>Администратор:</b>
            <a href="/company/\(branch)/dashboard">Главная</a>
            <a href="/company/\(branch)/customers">Клиенты</a>
            <a href="/company/\(branch)/lessons">Уроки</a>
            <a href="/company/\(branch)/licensing">Лицензия и оплата</a>
            <b>Педагог:</b>
            <a href="/teacher/\(branch)/journal">Журнал</a>
            <b>Клиент:</b>
            <a href="/customer/\(branch)/schedule">Расписание</a>
            <a href="/customer/\(branch)/balance">Баланс</a>
            <a href="/logout">Выход</a>
            </nav>
            <main>
            <h1>\(DemoHTML.escape(title))</h1>
            \(content)
            </main>
            <footer>Школа \(tenant) · \(DemoHTML.escape(request.method)) \(DemoHTML.escape(request.path))</footer>
            </body>
            </html>

            """
    }

    static func login(_ request: DemoRequest) -> String {
        layout(
            title: "Вход",
            request: request,
            content: """
                <div class="card">
                <form method="post" action="/login">
                <p><label>E-mail <input name="email" type="email" value="director@\(DemoHTML.escape(request.tenant)).example"></label></p>
                <p><label>Пароль <input name="password" type="password" value="demo"></label></p>
                <p><button type="submit">Войти</button></p>
                </form>
                </div>
                <p>Разделы: <a href="/company/1/dashboard">администратор</a>, <a href="/teacher/1/journal">педагог</a>,
                <a href="/customer/1/schedule">кабинет клиента</a>.</p>
                """
        )
    }

    static func dashboard(_ request: DemoRequest, branch: String) -> String {
        layout(
            title: "Главная",
            request: request,
            branch: branch,
            content: """
                <div class="card">Сегодня 4 урока, 2 пробных занятия, 1 неоплаченный абонемент.</div>
                <div class="card">Филиал №\(DemoHTML.escape(branch)) · активных клиентов: 128 · педагогов: 9</div>
                """
        )
    }

    static func customers(_ request: DemoRequest, branch: String) -> String {
        let rows = DemoData.customers.map { customer in
            "<tr><td>\(customer.id)</td><td>\(DemoHTML.escape(customer.name))</td><td>\(customer.balance) ₽</td></tr>"
        }
        return layout(
            title: "Клиенты",
            request: request,
            branch: branch,
            content:
                "<table><tr><th>№</th><th>Клиент</th><th>Баланс</th></tr>\n\(rows.joined(separator: "\n"))\n</table>"
        )
    }

    static func lessons(_ request: DemoRequest, branch: String) -> String {
        let rows = DemoData.lessons.map { lesson in
            "<tr><td>\(DemoHTML.escape(lesson.time))</td><td>\(DemoHTML.escape(lesson.subject))</td><td>\(DemoHTML.escape(lesson.teacher))</td></tr>"
        }
        return layout(
            title: "Уроки",
            request: request,
            branch: branch,
            content:
                "<table><tr><th>Время</th><th>Предмет</th><th>Педагог</th></tr>\n\(rows.joined(separator: "\n"))\n</table>"
        )
    }

    static func licensing(_ request: DemoRequest, branch: String) -> String {
        layout(
            title: "Лицензия и оплата",
            request: request,
            branch: branch,
            content: """
                <div class="card">Тариф «Школа», 10 филиалов. Здесь можно продлить лицензию или заморозить аккаунт.</div>
                <div class="card"><form method="post" action="/company/\(DemoHTML.escape(branch))/licensing/pay">
                <button type="submit">Оплатить 12 месяцев</button></form></div>
                """
        )
    }

    static func journal(_ request: DemoRequest, branch: String) -> String {
        let rows = DemoData.lessons.map { lesson in
            "<tr><td>\(DemoHTML.escape(lesson.time))</td><td>\(DemoHTML.escape(lesson.subject))</td><td>отметить посещение</td></tr>"
        }
        return layout(
            title: "Журнал педагога",
            request: request,
            branch: branch,
            content: "<table><tr><th>Время</th><th>Группа</th><th></th></tr>\n\(rows.joined(separator: "\n"))\n</table>"
        )
    }

    static func schedule(_ request: DemoRequest, branch: String) -> String {
        let rows = DemoData.lessons.map { lesson in
            "<li>\(DemoHTML.escape(lesson.time)) — \(DemoHTML.escape(lesson.subject))</li>"
        }
        return layout(
            title: "Моё расписание",
            request: request,
            branch: branch,
            content: "<ul>\n\(rows.joined(separator: "\n"))\n</ul>"
        )
    }

    static func balance(_ request: DemoRequest, branch: String) -> String {
        layout(
            title: "Мой баланс",
            request: request,
            branch: branch,
            content: "<div class=\"card\">Баланс: 4 200 ₽ · оплачено занятий: 6</div>"
        )
    }

    static func notFound(_ request: DemoRequest) -> String {
        layout(title: "Страница не найдена", request: request, content: "<p>Такой страницы нет.</p>")
    }
}
