/// The Mustache sources of the blocked HTML page, one per language. The built-in ones are used
/// unless the profile names the operator's own files, which then replace the whole page.
public struct BlockedPageTemplates: Sendable, Hashable {
    public let russian: String
    public let english: String

    public init(russian: String, english: String) {
        self.russian = russian
        self.english = english
    }

    public static let builtIn = BlockedPageTemplates(russian: builtInRussian, english: builtInEnglish)

    /// Shared by both languages: a card on a desktop, the whole screen on a phone.
    static let style = """
        <style>
        body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f5f8;color:#1f2933}
        main{max-width:34rem;margin:10vh auto;padding:2.5rem;background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.08);overflow-wrap:anywhere}
        header{margin:0 0 1.5rem;color:#52606d;font-weight:600}
        header img{display:block;max-height:40px;max-width:12rem}
        h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
        p,ul{line-height:1.5;margin:0 0 1rem}
        ul{padding:0;list-style:none}
        li{margin:.25rem 0}
        a{color:#2563eb}
        a.button{display:inline-block;padding:.7rem 1.3rem;background:#2563eb;color:#fff;border-radius:8px;text-decoration:none}
        .note,footer{color:#52606d;font-size:.9rem}
        footer{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #e4e7eb}
        @media (max-width:480px){body{background:#fff}main{margin:0;padding:1.5rem 1.25rem;border-radius:0;box-shadow:none}h1{font-size:1.3rem}}
        </style>
        """

    static let builtInRussian = """
        <!DOCTYPE html>
        <html lang="ru">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        \(style)
        </head>
        <body>
        <main>
        {{#logoURL}}<header><img src="{{logoURL}}" alt="{{operatorName}}"></header>{{/logoURL}}
        {{^logoURL}}{{#operatorName}}<header>{{operatorName}}</header>{{/operatorName}}{{/logoURL}}
        {{#frozen}}
        <h1>Аккаунт заморожен</h1>
        {{#admin}}
        <p>Аккаунт <b>{{tenant}}</b> заморожен{{#untilText}} {{untilText}}{{/untilText}}. Пока действует заморозка, раздел администратора и кабинет педагога закрыты.</p>
        <p>Все данные сохранены: после заморозки всё будет на своих местах.</p>
        <p>Чтобы разморозить аккаунт раньше срока, обратитесь в поддержку{{#support}}:{{/support}}{{^support}}.{{/support}}</p>
        {{/admin}}
        {{#teacher}}
        <p>Аккаунт школы <b>{{tenant}}</b> заморожен{{#untilText}} {{untilText}}{{/untilText}}, поэтому кабинет педагога сейчас закрыт.</p>
        <p>Все данные сохранены. Если доступ нужен раньше, обратитесь к администратору вашей школы.</p>
        {{/teacher}}
        {{/frozen}}
        {{#expired}}
        <h1>Лицензия закончилась</h1>
        {{#admin}}
        <p>{{#licenceUntilText}}Лицензия аккаунта <b>{{tenant}}</b> действовала {{licenceUntilText}}.{{/licenceUntilText}}{{^licenceUntilText}}Лицензия аккаунта <b>{{tenant}}</b> закончилась.{{/licenceUntilText}} Раздел администратора и кабинет педагога откроются снова после оплаты.</p>
        <p>Все данные сохранены.{{#keptUntilText}} По правилам обслуживания они хранятся {{keptUntilText}}, а после этого аккаунт может быть удалён. Чтобы этого не случилось, продлите лицензию.{{/keptUntilText}}</p>
        {{#support}}<p>Если есть вопросы по оплате, напишите в поддержку:</p>{{/support}}
        {{/admin}}
        {{#teacher}}
        <p>{{#licenceUntilText}}Лицензия школы <b>{{tenant}}</b> действовала {{licenceUntilText}}, поэтому кабинет педагога сейчас закрыт.{{/licenceUntilText}}{{^licenceUntilText}}Лицензия школы <b>{{tenant}}</b> закончилась, поэтому кабинет педагога сейчас закрыт.{{/licenceUntilText}}</p>
        <p>Все данные сохранены. Чтобы вернуть доступ, обратитесь к администратору вашей школы.</p>
        {{/teacher}}
        {{/expired}}
        {{#stateUnknown}}
        <h1>Временно недоступно</h1>
        <p>Не удалось проверить состояние аккаунта <b>{{tenant}}</b>. Попробуйте через минуту.</p>
        {{/stateUnknown}}
        {{#admin}}{{#support}}{{^stateUnknown}}
        <ul>
        {{#supportEmail}}<li><a href="mailto:{{supportEmail}}">{{supportEmail}}</a></li>{{/supportEmail}}
        {{#supportPhone}}<li>{{#supportPhoneURI}}<a href="{{supportPhoneURI}}">{{supportPhone}}</a>{{/supportPhoneURI}}{{^supportPhoneURI}}{{supportPhone}}{{/supportPhoneURI}}</li>{{/supportPhone}}
        {{#supportURL}}<li><a href="{{supportURL}}">{{supportURL}}</a></li>{{/supportURL}}
        </ul>
        {{/stateUnknown}}{{/support}}{{/admin}}
        {{#licensingURL}}
        <p><a class="button" href="{{licensingURL}}">Перейти в раздел «Лицензирование»</a></p>
        {{/licensingURL}}
        {{#timeZoneNote}}<p class="note">{{timeZoneNote}}</p>{{/timeZoneNote}}
        <footer>{{host}}{{#requestID}} · запрос №\u{00A0}{{requestID}}{{/requestID}}</footer>
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
        \(style)
        </head>
        <body>
        <main>
        {{#logoURL}}<header><img src="{{logoURL}}" alt="{{operatorName}}"></header>{{/logoURL}}
        {{^logoURL}}{{#operatorName}}<header>{{operatorName}}</header>{{/operatorName}}{{/logoURL}}
        {{#frozen}}
        <h1>Account frozen</h1>
        {{#admin}}
        <p>The account <b>{{tenant}}</b> is frozen{{#untilText}} {{untilText}}{{/untilText}}. While the freeze lasts, the admin section and the teacher's area are closed.</p>
        <p>All your data is kept: everything will be where you left it when the freeze ends.</p>
        <p>To end the freeze early, contact support{{#support}}:{{/support}}{{^support}}.{{/support}}</p>
        {{/admin}}
        {{#teacher}}
        <p>Your school's account <b>{{tenant}}</b> is frozen{{#untilText}} {{untilText}}{{/untilText}}, so the teacher's area is closed for now.</p>
        <p>All data is kept. If you need access sooner, ask your school's administrator.</p>
        {{/teacher}}
        {{/frozen}}
        {{#expired}}
        <h1>Licence expired</h1>
        {{#admin}}
        <p>{{#licenceUntilText}}The licence for <b>{{tenant}}</b> was valid {{licenceUntilText}}.{{/licenceUntilText}}{{^licenceUntilText}}The licence for <b>{{tenant}}</b> has expired.{{/licenceUntilText}} The admin section and the teacher's area will open again once the licence is renewed.</p>
        <p>All your data is kept.{{#keptUntilText}} Under the terms of service it is kept {{keptUntilText}}; after that the account may be deleted. Renew the licence to keep it.{{/keptUntilText}}</p>
        {{#support}}<p>If you have a question about payment, contact support:</p>{{/support}}
        {{/admin}}
        {{#teacher}}
        <p>{{#licenceUntilText}}Your school's licence for <b>{{tenant}}</b> was valid {{licenceUntilText}}, so the teacher's area is closed for now.{{/licenceUntilText}}{{^licenceUntilText}}Your school's licence for <b>{{tenant}}</b> has expired, so the teacher's area is closed for now.{{/licenceUntilText}}</p>
        <p>All data is kept. To get access back, ask your school's administrator.</p>
        {{/teacher}}
        {{/expired}}
        {{#stateUnknown}}
        <h1>Temporarily unavailable</h1>
        <p>The state of the account <b>{{tenant}}</b> cannot be checked right now. Please try again in a minute.</p>
        {{/stateUnknown}}
        {{#admin}}{{#support}}{{^stateUnknown}}
        <ul>
        {{#supportEmail}}<li><a href="mailto:{{supportEmail}}">{{supportEmail}}</a></li>{{/supportEmail}}
        {{#supportPhone}}<li>{{#supportPhoneURI}}<a href="{{supportPhoneURI}}">{{supportPhone}}</a>{{/supportPhoneURI}}{{^supportPhoneURI}}{{supportPhone}}{{/supportPhoneURI}}</li>{{/supportPhone}}
        {{#supportURL}}<li><a href="{{supportURL}}">{{supportURL}}</a></li>{{/supportURL}}
        </ul>
        {{/stateUnknown}}{{/support}}{{/admin}}
        {{#licensingURL}}
        <p><a class="button" href="{{licensingURL}}">Go to Licensing</a></p>
        {{/licensingURL}}
        {{#timeZoneNote}}<p class="note">{{timeZoneNote}}</p>{{/timeZoneNote}}
        <footer>{{host}}{{#requestID}} · request ID {{requestID}}{{/requestID}}</footer>
        </main>
        </body>
        </html>

        """
}
