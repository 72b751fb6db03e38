from kinko.cli import main

main()
