/// The fixed sample records every tenant of the demo CRM shows.
enum DemoData {
    struct Customer: Sendable {
        let id: Int
        let name: String
        let balance: Int
    }

    struct Lesson: Sendable {
        let time: String
        let subject: String
        let teacher: String
    }

    static let customers = [
        Customer(id: 1, name: "Анна Петрова", balance: 4200),
        Customer(id: 2, name: "Иван Смирнов", balance: 0),
        Customer(id: 3, name: "Мария Кузнецова", balance: -1500),
    ]

    static let lessons = [
        Lesson(time: "10:00", subject: "Английский, группа A1", teacher: "Е. Соколова"),
        Lesson(time: "12:30", subject: "Математика, 7 класс", teacher: "П. Орлов"),
        Lesson(time: "16:00", subject: "Шахматы, начинающие", teacher: "Д. Волков"),
    ]
}
