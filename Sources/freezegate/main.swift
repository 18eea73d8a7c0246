// The executable is wiring only: the commands, the gateway they run and their rules live in the
// FreezeGateCLI and Gateway libraries, where the tests reach them.
import FreezeGateCLI

await FreezeGateCommand.runCommandLine()
