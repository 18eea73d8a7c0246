/// The Mustache sources of the blocked HTML page, one per language. The built-in ones are used
/// unless the profile names the operator's own files.
public struct BlockedPageTemplates: Sendable, Hashable {
    public let russian: String
    public let english: String

    public init(russian: String, english: String) {
        self.russian = russian
        self.english = english
    }

    public static let builtIn = BlockedPageTemplates(russian: builtInRussian, english: builtInEnglish)

    static let builtInRussian = """
        <!DOCTYPE html>
        <html lang="ru">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f5f8;color:#1f2933}
        main{max-width:34rem;margin:12vh auto;padding:2.5rem;background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.08)}
        h1{font-size:1.5rem;margin:0 0 1rem}
        p{line-height:1.5;margin:0 0 1rem}
        a.button{display:inline-block;padding:.7rem 1.3rem;background:#2563eb;color:#fff;border-radius:8px;text-decoration:none}
        .tenant{color:#52606d;font-size:.9rem}
        </style>
        </head>
        <body>
        <main>
        {{#frozen}}
        <h1>Аккаунт заморожен</h1>
        <p>Аккаунт <b>{{tenant}}</b> заморожен. На время заморозки раздел администратора и кабинет педагога недоступны.</p>
        {{#until}}
        <p>Заморозка действует до <b>{{until}}</b></p>
        {{/until}}
        {{/frozen}}
        {{#expired}}
        <h1>Срок действия лицензии истёк</h1>
        <p>Лицензия аккаунта <b>{{tenant}}</b> закончилась. Раздел администратора и кабинет педагога станут доступны после оплаты.</p>
        {{/expired}}
        {{#stateUnknown}}
        <h1>Временно недоступно</h1>
        <p>Не удалось проверить состояние аккаунта <b>{{tenant}}</b>. Попробуйте через минуту.</p>
        {{/stateUnknown}}
        {{#licensingURL}}
        <p><a class="button" href="{{licensingURL}}">Перейти в раздел «Лицензирование»</a></p>
        {{/licensingURL}}
        <p class="tenant">{{host}}{{#requestID}} · запрос {{requestID}}{{/requestID}}</p>
        </main>
        </body>
        </html>

        """

    static let builtInEnglish = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f5f8;color:#1f2933}
        main{max-width:34rem;margin:12vh auto;padding:2.5rem;background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.08)}
        h1{font-size:1.5rem;margin:0 0 1rem}
        p{line-height:1.5;margin:0 0 1rem}
        a.button{display:inline-block;padding:.7rem 1.3rem;background:#2563eb;color:#fff;border-radius:8px;text-decoration:none}
        .tenant{color:#52606d;font-size:.9rem}
        </style>
        </head>
        <body>
        <main>
        {{#frozen}}
        <h1>Account frozen</h1>
        <p>The account <b>{{tenant}}</b> is frozen. While it is frozen, the administrator section and the teacher's cabinet are unavailable.</p>
        {{#until}}
        <p>The freeze lasts until <b>{{until}}</b></p>
        {{/until}}
        {{/frozen}}
        {{#expired}}
        <h1>Licence expired</h1>
        <p>The licence of the account <b>{{tenant}}</b> has expired. The administrator section and the teacher's cabinet will be available again after payment.</p>
        {{/expired}}
        {{#stateUnknown}}
        <h1>Temporarily unavailable</h1>
        <p>The state of the account <b>{{tenant}}</b> cannot be checked right now. Please try again in a minute.</p>
        {{/stateUnknown}}
        {{#licensingURL}}
        <p><a class="button" href="{{licensingURL}}">Go to Licensing</a></p>
        {{/licensingURL}}
        <p class="tenant">{{host}}{{#requestID}} · request {{requestID}}{{/requestID}}</p>
        </main>
        </body>
        </html>

        """
}
