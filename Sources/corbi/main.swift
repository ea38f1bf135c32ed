import CorbiCLI
CorbiMain.main()
