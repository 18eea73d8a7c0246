/// libFuzzer's entry point for a program that has its own `main` (LLVM's FuzzerInterface.h).
@_extern(c, "LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Runs libFuzzer's driver (command line, corpus, crash files) on `testOneInput`.
///
/// SwiftPM links an executable on Linux with `main` as an alias of `<module>_main`, so libFuzzer's
/// own `main` is never called; each fuzz target defines `<module>_main` with `@_cdecl` and hands
/// over to the driver here.
public func runFuzzerDriver(
    argc: CInt,
    argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
    testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
}
