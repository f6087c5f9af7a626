from tiphub.cli import main

main()
